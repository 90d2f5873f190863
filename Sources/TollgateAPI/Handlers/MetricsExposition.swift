import Foundation

/// Prometheus text exposition (format 0.0.4): every family with `# HELP` and `# TYPE`, label values
/// escaped as the format requires (backslash, double quote, newline), so no name or value can break
/// a line or start a sample of its own.
public struct MetricsExposition {
    private var lines: [String] = []
    private let constantLabels: [(name: String, value: String)]

    init(constantLabels: [(name: String, value: String)]) {
        self.constantLabels = constantLabels
    }

    /// One family: its help text, type and samples (labels beyond the constant ones, and a value).
    public mutating func family(_ name: String, _ help: String, type: String, samples: [(labels: [(name: String, value: String)], value: UInt64)]) {
        lines.append("# HELP \(name) \(Self.escapeHelp(help))")
        lines.append("# TYPE \(name) \(type)")
        for sample in samples {
            let labels = (constantLabels + sample.labels).map { "\($0.name)=\"\(Self.escapeLabel($0.value))\"" }.joined(separator: ",")
            lines.append("\(name){\(labels)} \(sample.value)")
        }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
