/// An input broke an invariant a parser promises (beyond "did not crash"): the fuzz target aborts on
/// it, the replay tests report it.
public struct FuzzFailure: Error, Hashable, CustomStringConvertible {
    /// Which kind of promise broke; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Two readers of the same bytes answered differently (the canonical reader and `JSONDecoder`).
        public static let readersDisagree = Code("readers_disagree")
        /// Writing what was read and reading it again gave something else.
        public static let roundTrip = Code("round_trip")
        /// Something beyond a documented limit was accepted.
        public static let limitExceeded = Code("limit_exceeded")
        /// An accepted value breaks a rule its parser promises to enforce.
        public static let ruleBroken = Code("rule_broken")
        /// The server framed requests or answered differently from what its head parser implies.
        public static let framing = Code("framing")
    }

    public var code: Code
    /// The rule that broke, in words, with the values involved.
    public var rule: String

    public init(_ code: Code, _ rule: String) {
        self.code = code
        self.rule = rule
    }

    public var description: String { "\(code): \(rule)" }

    /// Throws a failure unless `condition` holds.
    public static func require(_ condition: Bool, _ code: Code, _ rule: @autoclosure () -> String) throws(FuzzFailure) {
        if !condition { throw FuzzFailure(code, rule()) }
    }
}

extension FuzzFailure: Sendable {}
