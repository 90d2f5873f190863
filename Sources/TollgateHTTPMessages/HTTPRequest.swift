import Foundation

/// A complete HTTP request as the server hands it to its handler: the head and the whole body.
public struct HTTPRequest {
    public var method: HTTPMethod
    /// The path of the request target, still percent-encoded, always starting with `/` (or `*` for `OPTIONS *`).
    public var path: String
    /// The query of the request target without the `?`, still percent-encoded; nil when the target has none.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer's address, when the request came from a socket.
    public var remoteAddress: SocketAddress?

    public init(method: HTTPMethod, path: String, query: String? = nil, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = [:], body: [UInt8] = [], remoteAddress: SocketAddress? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The query's `name=value` pairs, percent-decoded (`+` read as a space), in order.
    /// The request target as sent: the path and, after `?`, the query (what node signatures cover).
    public var target: String { path + (query.map { "?" + $0 } ?? "") }

    public var queryItems: [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.formDecode(parts[0])
            let value = parts.count > 1 ? Self.formDecode(parts[1]) : ""
            return (name, value)
        }
    }

    /// The first decoded value of the query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Decodes the body as JSON.
    public func decodeJSON<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(body))
    }

    private static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension HTTPRequest: Sendable {}
