import Foundation

/// What a test needs from `Deploy/openapi.yaml`, read crudely from its text: the path keys under
/// `paths:` with their methods and operation ids, and every problem `type` URI the document names.
/// The service tests check it against the route table; the end-to-end tests against a running node.
public struct OpenAPIDocument {
    public struct Operation: Hashable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var description: String { "\(method) \(path)" }

        public init(method: String, path: String) {
            self.method = method
            self.path = path
        }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// `Deploy/openapi.yaml` of the package this file belongs to.
    public static let packageFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy/openapi.yaml")

    public let operations: [Operation]
    /// Each operation's `operationId`, for those that have one.
    public let operationIDs: [Operation: String]
    public let problemTypes: Set<String>

    public init(contentsOf url: URL = packageFile) throws {
        try self.init(text: String(contentsOf: url, encoding: .utf8))
    }

    public init(text: String) {
        var operations: [Operation] = []
        var operationIDs: [Operation: String] = [:]
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " }.count
            if indent == 0 {
                inPaths = line.hasPrefix("paths:")
                path = nil
                continue
            }
            guard inPaths else { continue }
            if indent == 6, trimmed.hasPrefix("operationId:"), let operation = operations.last {
                operationIDs[operation] = trimmed.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard trimmed.hasSuffix(":") else { continue }
            let key = String(trimmed.dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if indent == 2 && key.hasPrefix("/") {
                path = key
            } else if indent == 4, let path, Self.methods.contains(key) {
                operations.append(Operation(method: key.uppercased(), path: path))
            }
        }
        self.operations = operations
        self.operationIDs = operationIDs

        var types: Set<String> = []
        let pattern = /https:\/\/tollgate\.dev\/problems\/[A-Za-z0-9_\/-]+/
        for match in text.matches(of: pattern) { types.insert(String(match.output)) }
        problemTypes = types
    }

    /// The documented paths with the methods of each.
    public var methodsByPath: [String: Set<String>] {
        Dictionary(grouping: operations, by: \.path).mapValues { Set($0.map(\.method)) }
    }
}
