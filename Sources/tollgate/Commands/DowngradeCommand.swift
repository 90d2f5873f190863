import TollgateCommandLine

/// `tollgate downgrade`: ``UpgradeCommand`` to a smaller tier or feature set.
enum DowngradeCommand: Command {
    static let spec = UpgradeCommand.makeSpec(name: "downgrade", abstract: "Downgrade a license to a smaller tier or feature set (may be free); machines keep their activations.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        try UpgradeCommand.run(arguments)
    }
}
