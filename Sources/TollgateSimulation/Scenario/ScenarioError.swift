import TollgateCrypto

/// A scenario file that cannot be read or run: what is wrong, and on which line of which file.
public struct ScenarioError: LayerError {
    /// What kind of fault this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The scenario file cannot be read.
        public static let unreadable = Code("unreadable")
        /// The first line is not a comment saying what the scenario is for.
        public static let missingSummary = Code("missing_summary")
        /// A line starts with a key the parser does not know.
        public static let unknownKey = Code("unknown_key")
        /// A `name=value` option the key does not take.
        public static let unknownOption = Code("unknown_option")
        /// A word left over after the key took what it needs.
        public static let unexpectedWord = Code("unexpected_word")
        /// A positional value the key needs is missing.
        public static let missingValue = Code("missing_value")
        /// A `name=value` option the key needs is missing.
        public static let missingOption = Code("missing_option")
        /// A value or option cannot be read, is out of range, or names no such cheat.
        public static let invalidValue = Code("invalid_value")
        /// A word that is not a node, or a node the channel does not have.
        public static let unknownNode = Code("unknown_node")
        /// Settings under which honest nodes would rightly raise findings (outages past `sync_within`,
        /// clocks further off than the audit allows), so the run could not tell cheats from honesty.
        public static let unsafeSettings = Code("unsafe_settings")
    }

    public var code: Code
    public var reason: String
    /// The scenario file, or the scenario's name when it was not read from a file.
    public var path: String
    /// The line of `path` at fault, counted from 1; 0 when the fault is the scenario as a whole.
    public var lineNumber: Int
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, path: String, lineNumber: Int = 0, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.path = path
        self.lineNumber = lineNumber
        location = ErrorLocation(file: file, line: line)
    }

    /// `path:line: reason`, the form compilers use, so editors jump to the line.
    public var description: String { lineNumber > 0 ? "\(path):\(lineNumber): \(reason)" : "\(path): \(reason)" }
}
