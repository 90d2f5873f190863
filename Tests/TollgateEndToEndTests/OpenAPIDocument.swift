import Foundation

/// What a test needs from `Deploy/openapi.yaml`, read crudely from its text: the path keys under
/// `paths:` with their methods, and every problem `type` URI the document names.
struct OpenAPIDocument {
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var description: String { "\(method) \(path)" }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    let operations: [Operation]
    let problemTypes: Set<String>

    init(contentsOf url: URL) throws {
        try self.init(text: String(contentsOf: url, encoding: .utf8))
    }

    init(text: String) {
        var operations: [Operation] = []
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
            guard inPaths, trimmed.hasSuffix(":") else { continue }
            let key = String(trimmed.dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if indent == 2 && key.hasPrefix("/") {
                path = key
            } else if indent == 4, let path, Self.methods.contains(key) {
                operations.append(Operation(method: key.uppercased(), path: path))
            }
        }
        self.operations = operations

        var types: Set<String> = []
        let pattern = /https:\/\/tollgate\.dev\/problems\/[A-Za-z0-9_\/-]+/
        for match in text.matches(of: pattern) { types.insert(String(match.output)) }
        problemTypes = types
    }

    /// The documented paths with the methods of each.
    var methodsByPath: [String: Set<String>] {
        Dictionary(grouping: operations, by: \.path).mapValues { Set($0.map(\.method)) }
    }
}
