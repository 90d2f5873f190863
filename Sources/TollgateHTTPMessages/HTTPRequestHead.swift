/// A request's head as the server hands it to a head check, before any of the body is read: enough
/// to refuse an unauthenticated or unwanted upload without buffering it.
public struct HTTPRequestHead {
    public var method: HTTPMethod
    /// As `HTTPRequest.path`: still percent-encoded.
    public var path: String
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The body's announced length, already within the server's body size cap.
    public var contentLength: Int
    public var remoteAddress: SocketAddress?

    public init(method: HTTPMethod, path: String, query: String? = nil, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = [:], contentLength: Int = 0, remoteAddress: SocketAddress? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.contentLength = contentLength
        self.remoteAddress = remoteAddress
    }
}

extension HTTPRequestHead: Sendable {}
