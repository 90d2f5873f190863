import Foundation

/// A systemd unit file as the package tests read it: its `Key=Value` settings (continuation lines
/// joined), an EnvironmentFile's variables, and an ExecStart line expanded into the words systemd
/// would pass, so a test runs exactly the command the installed unit runs.
struct SystemdUnit {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Each setting's values in file order (a key may be given more than once).
    let settings: [(key: String, value: String)]

    init(contentsOf path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var settings: [(key: String, value: String)] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty, line.hasPrefix("#") || line.hasPrefix(";") || line.hasPrefix("[") || line.isEmpty { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let whole = pending + line
            pending = ""
            guard let equals = whole.firstIndex(of: "=") else { throw Failure(description: "\(path): not a setting: \(whole)") }
            settings.append((String(whole[..<equals]).trimmingCharacters(in: .whitespaces),
                             String(whole[whole.index(after: equals)...]).trimmingCharacters(in: .whitespaces)))
        }
        self.settings = settings
    }

    /// The last value of `key`, nil when the unit does not set it.
    func value(of key: String) -> String? {
        settings.last { $0.key == key }?.value
    }

    /// The `NAME=value` lines of an EnvironmentFile (comments and blank lines skipped, quotes taken off).
    static func environment(contentsOf path: String) throws -> [String: String] {
        var variables: [String: String] = [:]
        for raw in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            variables[String(line[..<equals])] = value
        }
        return variables
    }

    /// An Exec line's words as systemd expands them: `${NAME}` is one word (the whole value),
    /// unbraced `$NAME` as a whole word splits its value at white space (none when empty). A
    /// variable the environment lacks is an error, not an empty word, so a typo shows.
    static func words(of line: String, environment: [String: String]) throws -> [String] {
        var words: [String] = []
        for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            if word.hasPrefix("$"), !word.hasPrefix("${") {
                let name = String(word.dropFirst())
                guard let value = environment[name] else { throw Failure(description: "$\(name) is not set") }
                words += value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                continue
            }
            var expanded = word
            while let start = expanded.range(of: "${"), let end = expanded[start.upperBound...].firstIndex(of: "}") {
                let name = String(expanded[start.upperBound..<end])
                guard let value = environment[name] else { throw Failure(description: "${\(name)} is not set") }
                expanded.replaceSubrange(start.lowerBound...end, with: value)
            }
            words.append(expanded)
        }
        return words
    }
}
