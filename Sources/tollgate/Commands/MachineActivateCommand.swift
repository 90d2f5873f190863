import Foundation
import TollgateClient

/// `tollgate machine activate`: online activation against a reseller's node.
enum MachineActivateCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "machine activate",
        abstract: "Activate this machine online: ask the node for a seat and install the verified activation.",
        discussion: "Asking again from an activated machine returns the seat it already holds.",
        options: [
            MachineReport.dirOption,
            MachineReport.nodeOption,
            .init(name: "country", value: "CC", help: "Where this machine is.", required: true),
            MachineReport.licenseOption,
            MachineReport.caOption,
        ])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        try MachineReport.importLicense(arguments, into: wallet, at: TimeArgument.now)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required("node"), country = try arguments.required("country")
        let verified = try MachineReport.clientCall { () throws(ClientError) in try client.activate(nodeURL: node, country: country) }
        Console.print((["ACTIVATED: this machine holds a verified seat"] + MachineReport.describe(verified)).joined(separator: "\n"))
        return .success
    }
}
