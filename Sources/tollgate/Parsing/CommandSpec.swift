/// What a command accepts: its options, flags and positional arguments, and their help.
struct CommandSpec: Sendable {
    struct Option: Sendable {
        var name: String
        var value: String
        var help: String
        var required = false
        var repeatable = false
    }

    struct Flag: Sendable {
        var name: String
        var help: String
    }

    struct Positional: Sendable {
        var name: String
        var help: String
        var optional = false
    }

    /// Words after `tollgate`, e.g. `root init`.
    var name: String
    var abstract: String
    var discussion: String = ""
    var options: [Option] = []
    var flags: [Flag] = []
    var positionals: [Positional] = []

    var usage: String {
        var parts = ["tollgate", name]
        for option in options {
            let text = "--\(option.name) <\(option.value)>" + (option.repeatable ? " ..." : "")
            parts.append(option.required ? text : "[\(text)]")
        }
        for flag in flags { parts.append("[--\(flag.name)]") }
        for positional in positionals { parts.append(positional.optional ? "[<\(positional.name)>]" : "<\(positional.name)>") }
        return parts.joined(separator: " ")
    }

    var help: String {
        var lines = ["OVERVIEW: \(abstract)", ""]
        if !discussion.isEmpty { lines += [discussion, ""] }
        lines.append("USAGE: \(usage)")
        if !positionals.isEmpty {
            lines += ["", "ARGUMENTS:"]
            for positional in positionals { lines.append("  <\(positional.name)>".padding(to: 28) + positional.help) }
        }
        lines += ["", "OPTIONS:"]
        for option in options {
            let suffix = option.required ? "" : " (optional)"
            lines.append("  --\(option.name) <\(option.value)>".padding(to: 28) + option.help + suffix)
        }
        for flag in flags { lines.append("  --\(flag.name)".padding(to: 28) + flag.help) }
        lines.append("  -h, --help".padding(to: 28) + "Show help information.")
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width - 1 ? self + "  " : self + String(repeating: " ", count: width - count)
    }
}
