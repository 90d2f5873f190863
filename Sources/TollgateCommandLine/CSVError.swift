/// Why a CSV file a user gave cannot be read: the line (from 1, where the record starts) and the
/// column (its header name when known) at fault, and what is wrong there.
public struct CSVError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What kind of problem; tests match it, not the text.
    public enum Code: String, Sendable, Hashable {
        /// Quotes that do not follow RFC 4180 (a quote inside an unquoted field, text after a closing quote, no closing quote).
        case badQuoting = "bad-quoting"
        /// A record with more or fewer fields than the header.
        case fieldCount = "field-count"
        /// No header, a header naming a column twice or a column the file may not have, or one it must have missing.
        case badHeader = "bad-header"
        /// A required field left empty, or a value that does not parse.
        case badValue = "bad-value"
    }

    public var code: Code
    public var line: Int
    public var column: String?
    public var reason: String

    public init(_ code: Code, line: Int, column: String? = nil, _ reason: String) {
        self.code = code
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": \(reason)" }
}
