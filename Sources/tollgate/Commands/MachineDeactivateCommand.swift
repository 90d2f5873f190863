import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine

/// `tollgate machine deactivate`: give this machine's seat back online.
enum MachineDeactivateCommand: Command {
    static let spec = CommandSpec(
        name: "machine deactivate",
        abstract: "Give this machine's seat back online, with the machine's signed request as proof.",
        discussion: "The activation stops being used when the request is signed; if the node cannot be reached, run this again.",
        options: [MachineReport.dir.required, MachineReport.node.required, MachineReport.ca])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required(MachineReport.node)
        let deactivation = try MachineReport.clientCall { () throws(ClientError) in try client.deactivate(nodeURL: node) }
        Console.print("""
            DEACTIVATED: the seat is free for another machine
              activation:  \(deactivation.payload.activation)
              serial:      \(deactivation.payload.serial)
              recorded at: \(TimeText.iso(deactivation.payload.iat))
            """)
        return .success
    }
}
