import Foundation

/// Package.swift read as text: its targets (name, kind, dependencies, path) and the layer comment at
/// its top. A textual reading keeps the check free of SwiftPM internals; it understands the plain
/// style this package uses (string-literal names, `.target(name:)` and `.product(...)` dependencies).
struct PackageManifest {
    var targets: [ManifestTarget]
    /// The entry lines of the layer comment (comment lines indented under its heading), in order.
    var layerLines: [String]

    init(text: String) {
        layerLines = Self.layerLines(in: text)
        targets = Self.targets(in: Self.strippingComments(text))
    }

    init(packageDirectory: URL) throws {
        try self.init(text: String(contentsOf: packageDirectory.appendingPathComponent("Package.swift"), encoding: .utf8))
    }

    private static let kinds: [String: ManifestTarget.Kind] = [
        ".target(": .target, ".testTarget(": .testTarget, ".executableTarget(": .executableTarget,
        ".systemLibrary(": .systemLibrary, ".macro(": .macro, ".plugin(": .plugin,
    ]

    /// The lines of the first comment block that starts with "Layers", minus that block's heading
    /// lines: entries are indented by two or more spaces after `//`.
    private static func layerLines(in text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("// Layers") }) else { return [] }
        return lines[start...].prefix { $0.hasPrefix("//") }.filter { $0.hasPrefix("//  ") }.map { String($0.dropFirst(2)) }
    }

    /// The text with `//` and `/* */` comments blanked out (string literals kept as they are).
    static func strippingComments(_ text: String) -> String {
        var output = ""
        var characters = Array(text)[...]
        var inString = false
        while let character = characters.popFirst() {
            if inString {
                output.append(character)
                if character == "\\", let escaped = characters.popFirst() { output.append(escaped) }
                else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
                output.append(character)
            } else if character == "/", characters.first == "/" {
                while let next = characters.first, next != "\n" { characters.removeFirst() }
            } else if character == "/", characters.first == "*" {
                characters.removeFirst()
                while !characters.isEmpty, !(characters.first == "*" && characters.dropFirst().first == "/") { characters.removeFirst() }
                characters = characters.dropFirst(2)
                output.append(" ")
            } else {
                output.append(character)
            }
        }
        return output
    }

    /// Every target entry, read in order; an entry's nested calls (`.target(name:)` as a dependency)
    /// are part of it, not entries of their own.
    private static func targets(in text: String) -> [ManifestTarget] {
        let characters = Array(text)
        var targets: [ManifestTarget] = []
        var index = 0
        while index < characters.count {
            guard characters[index] == ".",
                  let (opener, kind) = kinds.first(where: { matches($0.key, in: characters, at: index) }) else {
                index += 1
                continue
            }
            let open = index + opener.count - 1
            let close = matchingClose(in: characters, from: open)
            let arguments = String(characters[(open + 1)..<close])
            if let name = label("name", in: arguments) {
                targets.append(ManifestTarget(name: name, kind: kind, dependencies: dependencies(in: arguments), path: label("path", in: arguments)))
            }
            index = close + 1
        }
        return targets
    }

    private static func matches(_ word: String, in characters: [Character], at index: Int) -> Bool {
        let word = Array(word)
        return index + word.count <= characters.count && Array(characters[index..<(index + word.count)]) == word
    }

    /// The index of the bracket closing the one at `open` (or the end), skipping string literals.
    private static func matchingClose(in characters: [Character], from open: Int) -> Int {
        var depth = 0
        var inString = false
        var index = open
        while index < characters.count {
            let character = characters[index]
            if inString {
                if character == "\\" { index += 1 } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return characters.count
    }

    /// The string literal after `label:` at the top level of `arguments`.
    private static func label(_ label: String, in arguments: String) -> String? {
        for element in topLevelElements(of: arguments) {
            let trimmed = element.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.hasPrefix(label + ":") else { continue }
            return firstStringLiteral(in: trimmed)
        }
        return nil
    }

    /// The package's own targets listed in the `dependencies:` argument.
    private static func dependencies(in arguments: String) -> [String] {
        for element in topLevelElements(of: arguments) {
            let trimmed = element.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.hasPrefix("dependencies:"), let open = trimmed.firstIndex(of: "[") else { continue }
            let characters = Array(trimmed[open...])
            let list = String(characters[1..<matchingClose(in: characters, from: 0)])
            return topLevelElements(of: list).compactMap { element in
                let dependency = element.trimmingCharacters(in: .whitespacesAndNewlines)
                return dependency.hasPrefix(".product(") ? nil : firstStringLiteral(in: dependency)
            }
        }
        return []
    }

    /// `text` split at commas outside brackets and string literals.
    private static func topLevelElements(of text: String) -> [String] {
        var elements: [String] = []
        var current = ""
        var depth = 0
        var inString = false
        var escaped = false
        for character in text {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth -= 1
            } else if character == ",", depth == 0 {
                elements.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { elements.append(current) }
        return elements
    }

    private static func firstStringLiteral(in text: String) -> String? {
        guard let start = text.firstIndex(of: "\"") else { return nil }
        let rest = text[text.index(after: start)...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}
