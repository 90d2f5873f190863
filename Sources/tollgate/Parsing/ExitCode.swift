/// How the process ends.
struct ExitCode: Hashable, Sendable {
    var rawValue: Int32

    static let success = ExitCode(rawValue: 0)
    /// The thing checked is invalid (e.g. `verify` rejected the license).
    static let invalid = ExitCode(rawValue: 1)
    /// The command line was wrong.
    static let usage = ExitCode(rawValue: 2)
    /// The command could not do its work (bad input file, refused by a rule, I/O error).
    static let failure = ExitCode(rawValue: 3)
}
