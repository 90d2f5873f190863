/// How the process ends; scripts branch on it, so each value keeps its meaning across commands.
public struct ExitCode: Hashable, Sendable {
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let success = ExitCode(rawValue: 0)
    /// The thing checked is invalid (e.g. `verify` rejected the license).
    public static let invalid = ExitCode(rawValue: 1)
    /// The command line was wrong.
    public static let usage = ExitCode(rawValue: 2)
    /// The command could not do its work (bad input file, refused by a rule, I/O error).
    public static let failure = ExitCode(rawValue: 3)
}
