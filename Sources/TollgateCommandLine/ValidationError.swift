/// A problem with what the user typed: printed with the command's usage, exit code 2.
///
/// The code says which kind of mistake it is, so tests and callers match it instead of the text.
public struct ValidationError: Error, CustomStringConvertible, Sendable {
    /// The kind of mistake; extensible, so a command may name its own.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `--name` that the command does not declare.
        public static let unknownOption = Code("unknown-option")
        /// An option given without its value.
        public static let missingValue = Code("missing-value")
        /// A required option not given.
        public static let missingOption = Code("missing-option")
        /// A non-repeatable option given twice.
        public static let repeatedOption = Code("repeated-option")
        /// A value given to a flag (`--json=yes`).
        public static let unexpectedValue = Code("unexpected-value")
        /// A value that does not parse or is out of range.
        public static let invalidValue = Code("invalid-value")
        /// A required positional argument not given.
        public static let missingArgument = Code("missing-argument")
        /// More positional arguments than the command takes.
        public static let unexpectedArgument = Code("unexpected-argument")
        /// Options that cannot go together, or one of several needed.
        public static let conflictingOptions = Code("conflicting-options")
    }

    public var code: Code
    public var message: String

    public init(_ message: String, code: Code = .invalidValue) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
