import Foundation

/// An HTTP response: what a handler returns to the server, and what the client returns to its caller.
public struct HTTPResponse {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `text` in UTF-8.
    public static func text(_ text: String, status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8",
                            headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: contentType)
        return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    /// A response whose body is `value` encoded as JSON (keys sorted, so equal values give equal bytes).
    public static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok, contentType: String = "application/json",
                                          headers: HTTPHeaders = [:]) throws -> HTTPResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: contentType)
        return HTTPResponse(status: status, headers: headers, body: Array(try jsonEncoder().encode(value)))
    }

    /// An RFC 9457 `application/problem+json` response; the status comes from `problem.status` (500 when absent).
    public static func problem(_ problem: ProblemDetails, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: ProblemDetails.mediaType)
        let status = HTTPStatus(problem.status ?? 500)
        // Encoding a struct of strings and an integer cannot fail; the fallback keeps this total anyway.
        let body = (try? jsonEncoder().encode(problem)).map(Array.init) ?? Array("{\"type\":\"about:blank\",\"status\":\(status.code)}".utf8)
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// A problem response with the given fields.
    public static func problem(status: HTTPStatus, type: String = "about:blank", title: String? = nil, detail: String? = nil,
                               headers: HTTPHeaders = [:]) -> HTTPResponse {
        problem(ProblemDetails(type: type, title: title ?? status.reasonPhrase, status: status.code, detail: detail), headers: headers)
    }

    /// The body decoded as `application/problem+json`, or nil when it is not one.
    public var problemDetails: ProblemDetails? {
        guard let contentType = headers["Content-Type"], contentType.lowercased().hasPrefix(ProblemDetails.mediaType) else { return nil }
        return try? JSONDecoder().decode(ProblemDetails.self, from: Data(body))
    }

    /// Decodes the body as JSON.
    public func decodeJSON<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(body))
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    private static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension HTTPResponse: Sendable {}
