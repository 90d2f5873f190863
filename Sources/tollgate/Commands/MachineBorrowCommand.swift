import TollgateClient
import TollgateCommandLine

/// `tollgate machine borrow`: a long lease for a machine going offline.
enum MachineBorrowCommand: Command {
    static let spec = CommandSpec(
        name: "machine borrow",
        abstract: "Borrow a floating seat for the license's borrow length, to use it offline.",
        discussion: "A machine holding a lease keeps its seat, now borrowed. A license sold without borrowing refuses it.",
        options: MachineLeaseReport.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        try MachineLeaseReport.run(arguments, verb: "BORROWED") { (client, node, country) throws(ClientError) in try client.borrow(nodeURL: node, country: country) }
    }
}
