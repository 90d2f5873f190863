import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateWire

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

    /// Runs `local` on the opened node, or calls `endpoint` of the running node over HTTP, its path
    /// filled from `parameters` and `query`.
    func call<T: Decodable>(local: (LicensingNode) throws -> T, endpoint: Endpoint, parameters: [String: String] = [:],
                            query: [(name: String, value: String)] = [], body: (any Encodable)? = nil) throws -> T {
        switch self {
        case .local(let directory):
            let node = try directory.open()
            do {
                return try local(node)
            } catch let error as NodeError {
                throw Refusal.failure(for: error)
            }
        case .remote(let client):
            return try client.call(endpoint, parameters: parameters, query: query, body: body)
        }
    }
}
