import Foundation
import TollgateCommandLine
import TollgateHTTP
import TollgateHTTPMessages
import TollgateWire

/// Calls a node's operator API with libcurl, each call's method and path taken from the route table.
struct OperatorClient {
    let baseURL: String
    let token: String
    let http: HTTPClient

    init(baseURL: String, token: String, caBundle: String?) throws {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        var configuration = HTTPClientConfiguration()
        configuration.caBundlePath = caBundle
        http = try HTTPClient(configuration: configuration)
    }

    /// Sends `body` as JSON (or nothing) to `endpoint` and decodes its JSON answer.
    func call<T: Decodable>(_ endpoint: Endpoint, parameters: [String: String] = [:], query: [(name: String, value: String)] = [],
                            body: (any Encodable)?) throws -> T {
        try call(endpoint, parameters: parameters, query: query, rawBody: try body.map { Array(try JSONEncoder().encode($0)) } ?? [],
                 contentType: body == nil ? nil : "application/json")
    }

    /// Sends `bytes` (a compact JWS by default) to `endpoint` and decodes its JSON answer.
    func call<T: Decodable>(_ endpoint: Endpoint, parameters: [String: String] = [:], query: [(name: String, value: String)] = [],
                            rawBody bytes: [UInt8], contentType: String? = "application/jose") throws -> T {
        // The bearer token is the operator's credential; sending it to another caller's endpoint is a mistake in the program.
        precondition(endpoint.caller == .operator, "\(endpoint.label) is not an operator endpoint")
        guard let target = endpoint.target(parameters, query: query) else {
            throw CommandFailure("\(endpoint.label) needs a value for each of its path parameters, got \(parameters.keys.sorted())")
        }
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let response = try http.send(HTTPClientRequest(method: endpoint.method, url: baseURL + target, headers: headers, body: bytes))
        guard (200..<300).contains(response.status.code) else {
            // A bulk call's refusal names every bad row; the caller says which line of its file each is.
            if response.status.code == 422, let refusal = try? response.decodeJSON(APIBodies.BatchRefusalBody.self) {
                throw BatchRefused(rows: refusal.errors)
            }
            if let problem = response.problemDetails { throw Refusal.failure(for: problem, status: response.status.code) }
            throw CommandFailure("\(endpoint.method) \(target) answered \(response.status): \(response.bodyText)")
        }
        do {
            return try response.decodeJSON(T.self)
        } catch {
            throw CommandFailure("\(endpoint.method) \(target) answered with an unexpected body: \(error)")
        }
    }
}
