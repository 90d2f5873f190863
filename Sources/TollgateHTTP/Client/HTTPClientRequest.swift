import TollgateHTTPMessages
/// A request for `HTTPClient.send(_:)`.
public struct HTTPClientRequest {
    public var method: HTTPMethod
    /// An absolute `http` or `https` URL.
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Overrides the client's total timeout for this request.
    public var timeout: Duration?

    public init(method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: [UInt8] = [], timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

extension HTTPClientRequest: Sendable {}
