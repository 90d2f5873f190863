/// How the process ends; scripts branch on it, so each value keeps its meaning across commands and
/// releases. ``documented`` is the table `--help` and the README print.
public struct ExitCode: Hashable, Sendable {
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let success = ExitCode(rawValue: 0)
    /// The thing checked is invalid (e.g. `verify` rejected the license, `audit` found cheating).
    public static let invalid = ExitCode(rawValue: 1)
    /// The command line was wrong.
    public static let usage = ExitCode(rawValue: 2)
    /// The command could not do its work: unreadable input, an I/O or storage error, no connection.
    public static let failure = ExitCode(rawValue: 3)
    /// The other side refused by its rules: a certificate rule, quota, seats, an unknown id.
    public static let refused = ExitCode(rawValue: 4)

    /// Every exit code with what it means, in order.
    public static let documented: [(code: ExitCode, meaning: String)] = [
        (.success, "success"),
        (.invalid, "checked and found invalid (verify, machine check, audit)"),
        (.usage, "the command line is wrong (unknown command or option, bad value)"),
        (.failure, "could not do the work: unreadable input, I/O or storage error, node unreachable"),
        (.refused, "refused by a rule: certificate limits, quota, seats, unknown id, sync overdue"),
    ]
}
