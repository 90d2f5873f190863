import Foundation

/// The modules a target's Swift files import, read line by line: `import M`, `@testable import M`,
/// `@_spi(Name) import M`, `public import M`, `import struct M.Type`. Imports inside comments or
/// inside `#if` are counted like any other (the package has neither).
struct SourceImports {
    /// Module name → the files (relative to the package root) that import it.
    var files: [String: [String]] = [:]

    init(directory: URL, relativeTo root: URL) throws {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return }
        for case let url as URL in walker where url.pathExtension == "swift" {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            for module in Self.modules(in: try String(contentsOf: url, encoding: .utf8)) {
                files[module, default: []].append(relative)
            }
        }
    }

    private static let modifiers: Set<String> = ["public", "package", "internal", "private", "fileprivate", "open"]
    private static let kinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "let", "var", "actor"]

    /// The modules `text` imports, once each.
    static func modules(in text: String) -> Set<String> {
        var modules: Set<String> = []
        for line in text.split(separator: "\n") {
            var words = line.split(whereSeparator: \.isWhitespace).map(String.init)[...]
            while let first = words.first, first.hasPrefix("@") || modifiers.contains(first) {
                words.removeFirst()
                // Skip the rest of an attribute whose arguments hold spaces.
                if first.hasPrefix("@"), first.contains("("), !first.contains(")") {
                    while let next = words.popFirst(), !next.contains(")") {}
                }
            }
            guard words.popFirst() == "import", var path = words.popFirst() else { continue }
            if kinds.contains(path), let next = words.popFirst() { path = next }
            if let module = path.split(separator: ".").first, module.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                modules.insert(String(module))
            }
        }
        return modules
    }
}
