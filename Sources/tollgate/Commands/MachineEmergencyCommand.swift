import Foundation
import TollgateClient

/// `tollgate machine emergency`: a temporary seat while another machine of the license has failed.
enum MachineEmergencyCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "machine emergency",
        abstract: "Get a temporary activation standing in for a failed machine's activation of the same license.",
        discussion: "The failed machine keeps its seat; this one runs until the temporary activation expires.",
        options: [
            MachineReport.dirOption,
            MachineReport.nodeOption,
            .init(name: "replaces", value: "activation-hash", help: "The failed machine's activation.", required: true),
            .init(name: "country", value: "CC", help: "Where this machine is.", required: true),
            MachineReport.licenseOption,
            MachineReport.caOption,
        ])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        try MachineReport.importLicense(arguments, into: wallet, at: TimeArgument.now)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required("node"), country = try arguments.required("country")
        let replaces = try arguments.required("replaces")
        let verified = try MachineReport.clientCall { () throws(ClientError) in
            try client.emergency(nodeURL: node, failedActivation: replaces, country: country)
        }
        Console.print((["ACTIVATED (emergency): this machine holds a temporary seat"] + MachineReport.describe(verified)).joined(separator: "\n"))
        return .success
    }
}
