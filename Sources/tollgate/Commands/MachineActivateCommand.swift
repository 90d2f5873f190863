import Foundation
import TollgateClient
import TollgateCommandLine

/// `tollgate machine activate`: online activation against a reseller's node.
enum MachineActivateCommand: Command {
    static let spec = CommandSpec(
        name: "machine activate",
        abstract: "Activate this machine online: ask the node for a seat and install the verified activation.",
        discussion: "Asking again from an activated machine returns the seat it already holds.",
        options: [MachineReport.dir.required, MachineReport.node.required, MachineReport.country.required, MachineReport.license, MachineReport.ca])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        try MachineReport.importLicense(arguments, into: wallet, at: TimeArgument.now)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required(MachineReport.node), country = try arguments.required(MachineReport.country)
        let verified = try MachineReport.clientCall { () throws(ClientError) in try client.activate(nodeURL: node, country: country) }
        Console.print((["ACTIVATED: this machine holds a verified seat"] + MachineReport.describe(verified)).joined(separator: "\n"))
        return .success
    }
}
