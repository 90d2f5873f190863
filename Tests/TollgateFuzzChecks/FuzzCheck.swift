/// What one fuzz target does with one input: feed it to a parser that meets hostile bytes and check
/// what the parser promises of what it accepts. Refusing an input is always fine; crashing never is.
///
/// The libFuzzer executables in Tests/Fuzz and the replay tests in the main suite run the same
/// checks, so every crash input kept in `Tests/Fuzz/FailCases/<name>/` is replayed by `swift test`.
public protocol FuzzCheck {
    /// The target's name: its corpus is `Tests/Fuzz/Corpus/<name>/`, its crash inputs `Tests/Fuzz/FailCases/<name>/`.
    static var name: String { get }
    /// Runs one input; throws when an accepted input breaks a promise.
    static func run(_ input: [UInt8]) throws(FuzzFailure)
}
