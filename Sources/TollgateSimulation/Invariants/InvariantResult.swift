/// How one invariant fared in a run: how many times it was checked and what broke it.
public struct InvariantResult: Sendable, Hashable {
    public var invariant: Invariant
    public var checks: Int
    /// The first violations (capped), each a sentence.
    public var violations: [String]
    /// Violations beyond the cap.
    public var moreViolations: Int

    public var passed: Bool { violations.isEmpty }
}
