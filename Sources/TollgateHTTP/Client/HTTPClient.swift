import CCurl
import TollgateHTTPMessages

/// A blocking HTTP/1.1 client over one reused libcurl easy handle, so consecutive requests to the same
/// host reuse a keep-alive connection.
///
/// An instance is used by one thread at a time and is deliberately not `Sendable`: give each thread
/// (or each serial worker) its own client. TLS peer and host verification are always on; point
/// `caBundlePath` at a private CA to trust it. Redirects are not followed, and only `http` and
/// `https` URLs are allowed.
public final class HTTPClient {
    public let configuration: HTTPClientConfiguration
    private let handle: CurlEasyHandle

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(HTTPClientError) {
        self.configuration = configuration
        self.handle = try CurlEasyHandle()
    }

    /// Sends `request` and returns the response, whatever its status.
    /// - Throws: `HTTPClientError` when no complete response arrived (connection, TLS, timeout…).
    public func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPResponse {
        let curl = handle.pointer
        // Reset forgets the previous request's options but keeps the connection cache.
        curl_easy_reset(curl)
        handle.errorBuffer[0] = 0
        let headerList = try CurlHeaderList(request.headers)
        let collector = ResponseCollector(maxBodySize: configuration.maxResponseBodySize)

        var status = CURLE_OK
        func set(_ result: CURLcode) {
            if status == CURLE_OK, result != CURLE_OK { status = result }
        }
        set(tollgate_curl_easy_setopt_pointer(curl, CURLOPT_ERRORBUFFER, handle.errorBuffer))
        set(tollgate_curl_easy_setopt_long(curl, CURLOPT_NOSIGNAL, 1))
        set(tollgate_curl_easy_setopt_string(curl, CURLOPT_URL, request.url))
        set(tollgate_curl_easy_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(tollgate_curl_easy_setopt_long(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1))
        set(tollgate_curl_easy_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0))
        set(tollgate_curl_easy_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout)))
        set(tollgate_curl_easy_setopt_long(curl, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? configuration.timeout)))
        set(tollgate_curl_easy_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 1))
        set(tollgate_curl_easy_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, 2))
        if let caBundlePath = configuration.caBundlePath {
            set(tollgate_curl_easy_setopt_string(curl, CURLOPT_CAINFO, caBundlePath))
        }
        set(tollgate_curl_easy_setopt_string(curl, CURLOPT_USERAGENT, configuration.userAgent))
        set(tollgate_curl_easy_setopt_slist(curl, CURLOPT_HTTPHEADER, headerList.pointer))
        collector.install(on: handle)

        let method = request.method
        let sendsBody = !request.body.isEmpty || method == .post || method == .put || method == .patch
        if method == .head {
            set(tollgate_curl_easy_setopt_long(curl, CURLOPT_NOBODY, 1))
        } else if sendsBody {
            set(tollgate_curl_easy_setopt_long(curl, CURLOPT_POST, 1))
            set(tollgate_curl_easy_setopt_off_t(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            if method != .post {
                set(tollgate_curl_easy_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method.rawValue))
            }
        } else if method != .get {
            set(tollgate_curl_easy_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method.rawValue))
        }
        guard status == CURLE_OK else { throw error(for: status, collector: collector) }

        // CURLOPT_POSTFIELDS does not copy: the body must stay put until curl_easy_perform returns.
        let body = request.body.isEmpty ? [0] : request.body
        let result = body.withUnsafeBytes { bytes -> CURLcode in
            if sendsBody {
                let fields = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
                let setResult = tollgate_curl_easy_setopt_pointer(curl, CURLOPT_POSTFIELDS, fields)
                if setResult != CURLE_OK { return setResult }
            }
            return withExtendedLifetime((collector, headerList)) { curl_easy_perform(curl) }
        }
        // The options point into this call's objects; clear them before those go away.
        _ = tollgate_curl_easy_setopt_slist(curl, CURLOPT_HTTPHEADER, nil)
        _ = tollgate_curl_easy_setopt_pointer(curl, CURLOPT_POSTFIELDS, nil)
        guard result == CURLE_OK else { throw error(for: result, collector: collector) }

        var code = 0
        _ = tollgate_curl_easy_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &code)
        return HTTPResponse(status: HTTPStatus(code), headers: collector.headers, body: collector.body)
    }

    private func error(for code: CURLcode, collector: ResponseCollector) -> HTTPClientError {
        let detail = handle.errorMessage
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let curlCode = Int(code.rawValue)
        if collector.exceededLimit {
            return HTTPClientError(.responseTooLarge, "the response body exceeds \(configuration.maxResponseBodySize) bytes",
                                   curlCode: curlCode)
        }
        let kind: HTTPClientError.Code
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_NOT_BUILT_IN:
            kind = .invalidRequest
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .couldNotResolve
        case CURLE_COULDNT_CONNECT:
            kind = .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
            kind = .tls
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            kind = .connectionLost
        default:
            kind = .other
        }
        return HTTPClientError(kind, message, curlCode: curlCode)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}

@available(*, unavailable, message: "an HTTPClient is used by one thread at a time; give each thread its own")
extension HTTPClient: Sendable {}
