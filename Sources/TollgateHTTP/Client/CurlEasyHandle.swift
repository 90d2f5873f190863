import CCurl

/// Owns one libcurl easy handle and its error buffer; reusing the handle keeps its connection cache,
/// so consecutive requests to one host share a keep-alive connection.
final class CurlEasyHandle {
    let pointer: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER` storage, `CURL_ERROR_SIZE` bytes, alive as long as the handle.
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// `curl_global_init`'s result; Swift runs a static's initialiser exactly once, thread-safely.
    private static let globalInitialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    init() throws(HTTPClientError) {
        let global = Self.globalInitialization
        guard global == CURLE_OK else {
            throw HTTPClientError(.other, "curl_global_init failed: \(String(cString: curl_easy_strerror(global)))", curlCode: Int(global.rawValue))
        }
        guard let handle = curl_easy_init() else { throw HTTPClientError(.other, "curl_easy_init failed") }
        pointer = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(pointer)
        errorBuffer.deallocate()
    }

    /// The message libcurl wrote for the last failure, or empty.
    var errorMessage: String {
        String(cString: errorBuffer)
    }
}
