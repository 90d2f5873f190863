import Foundation
import TollgateHTTP
import TollgateHTTPMessages

/// Calls one running node's HTTP API over a keep-alive libcurl connection. Like `HTTPClient`, used by
/// one thread at a time.
final class NodeAPIClient {
    struct UnexpectedStatus: Error, CustomStringConvertible {
        var description: String
    }

    let baseURL: String
    let token: String?
    private let http: HTTPClient

    /// `maxResponseBody` above the client's default suits listings of a long run's many thousand objects.
    init(baseURL: String, token: String?, timeout: Duration = .seconds(15), maxResponseBody: Int? = nil) throws {
        self.baseURL = baseURL
        self.token = token
        var configuration = HTTPClientConfiguration(connectTimeout: .seconds(5), timeout: timeout)
        if let maxResponseBody { configuration.maxResponseBodySize = maxResponseBody }
        http = try HTTPClient(configuration: configuration)
    }

    convenience init(_ node: NodeProcess) throws {
        try self.init(baseURL: node.baseURL, token: try node.token)
    }

    /// Sends a request; operator calls carry the token unless `authorization` overrides the header
    /// (an empty string sends none).
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8] = [], contentType: String? = nil,
              authorization: String? = nil) throws -> HTTPResponse {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        if let authorization {
            if !authorization.isEmpty { headers.add(name: "Authorization", value: authorization) }
        } else if let token {
            headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        return try http.send(HTTPClientRequest(method: method, url: baseURL + path, headers: headers, body: body))
    }

    /// Sends `object` (a JSON value built from dictionaries, arrays, strings and numbers) as JSON.
    func send(_ method: HTTPMethod, _ path: String, json object: Any, authorization: String? = nil) throws -> HTTPResponse {
        try send(method, path, body: Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])),
                 contentType: "application/json", authorization: authorization)
    }

    func get(_ path: String) throws -> HTTPResponse { try send(.get, path) }

    /// Sends and decodes the answer, which must have `status`.
    func expect<T: Decodable>(_ type: T.Type, status: Int, _ method: HTTPMethod, _ path: String, json object: Any? = nil,
                              body: [UInt8] = [], contentType: String? = nil) throws -> T {
        let response = try object.map { try send(method, path, json: $0) } ?? send(method, path, body: body, contentType: contentType)
        guard response.status.code == status else {
            throw UnexpectedStatus(description: "\(method) \(path) answered \(response.status.code), expected \(status): \(response.bodyText)")
        }
        return try response.decodeJSON(T.self)
    }
}
