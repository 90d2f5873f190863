import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode

/// Where an operator command acts: on a node directory directly (offline), or on a running node
/// over its HTTP API (`--node URL`, with the operator token from `--token-file` or `TOLLGATE_TOKEN`).
enum NodeTarget {
    case local(NodeDirectory)
    case remote(OperatorClient)

    static let options: [any OptionDeclaring] = [
        CommonOptions.dir.with(help: "Act on this node directory (offline)."),
        CommonOptions.node.with(help: "Act on a running node, e.g. http://127.0.0.1:7401."),
        CommonOptions.tokenFile,
        CommonOptions.ca,
    ]

    init(_ arguments: ParsedArguments) throws {
        switch (try arguments.value(CommonOptions.dir), try arguments.value(CommonOptions.node)) {
        case let (dir?, nil):
            self = .local(NodeDirectory(dir))
        case let (nil, url?):
            let token: String
            if let file = try arguments.value(CommonOptions.tokenFile) {
                token = try trimmedText(file, what: "operator token")
            } else if let environment = ProcessInfo.processInfo.environment["TOLLGATE_TOKEN"], !environment.isEmpty {
                token = environment
            } else {
                throw ValidationError("--\(CommonOptions.node.name) needs the operator token: --\(CommonOptions.tokenFile.name) <file> or TOLLGATE_TOKEN",
                                      code: .missingOption)
            }
            self = .remote(try OperatorClient(baseURL: url, token: token, caBundle: try arguments.value(CommonOptions.ca)))
        case (nil, nil):
            throw ValidationError("give --\(CommonOptions.dir.name) <directory> (offline) or --\(CommonOptions.node.name) <url> (a running node)",
                                  code: .missingOption)
        case (_?, _?):
            throw ValidationError("give either --\(CommonOptions.dir.name) or --\(CommonOptions.node.name), not both", code: .conflictingOptions)
        }
    }

    /// Runs `local` on the opened node, or sends the request over HTTP.
    func call<T: Decodable>(local: (LicensingNode) throws -> T, method: HTTPMethod, path: String, body: (any Encodable)? = nil) throws -> T {
        switch self {
        case .local(let directory):
            return try local(directory.open())
        case .remote(let client):
            return try client.call(method: method, path: path, body: body)
        }
    }
}

/// Calls a node's operator API with libcurl.
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

    func call<T: Decodable>(method: HTTPMethod, path: String, body: (any Encodable)?) throws -> T {
        try call(method: method, path: path, rawBody: try body.map { Array(try JSONEncoder().encode($0)) } ?? [],
                 contentType: body == nil ? nil : "application/json")
    }

    func call<T: Decodable>(method: HTTPMethod, path: String, rawBody bytes: [UInt8], contentType: String? = "application/jose") throws -> T {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let response = try http.send(HTTPClientRequest(method: method, url: baseURL + path, headers: headers, body: bytes))
        guard (200..<300).contains(response.status.code) else {
            if let problem = response.problemDetails {
                throw CommandFailure("\(problem.title ?? "refused") (\(response.status.code), \(problem.type)): \(problem.detail ?? "")")
            }
            throw CommandFailure("\(method) \(path) answered \(response.status): \(response.bodyText)")
        }
        do {
            return try response.decodeJSON(T.self)
        } catch {
            throw CommandFailure("\(method) \(path) answered with an unexpected body: \(error)")
        }
    }
}
