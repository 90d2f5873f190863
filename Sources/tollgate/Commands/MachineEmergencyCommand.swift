import Foundation
import TollgateClient
import TollgateCommandLine

/// `tollgate machine emergency`: a temporary seat while another machine of the license has failed.
enum MachineEmergencyCommand: Command {
    static let spec = CommandSpec(
        name: "machine emergency",
        abstract: "Get a temporary activation standing in for a failed machine's activation of the same license.",
        discussion: "The failed machine keeps its seat; this one runs until the temporary activation expires.",
        options: [MachineReport.dir.required, MachineReport.node.required, replaces.required, MachineReport.country.required,
                  MachineReport.license, MachineReport.ca])

    static let replaces = Option<String>("replaces", value: "activation-id", help: "The failed machine's activation: its whole id, as 'list activations --json' prints it.") {
        text throws(ValidationError) in try MachineReport.wholeActivationID(text)
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        try MachineReport.importLicense(arguments, into: wallet, at: TimeArgument.now)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required(MachineReport.node), country = try arguments.required(MachineReport.country)
        let replaces = try arguments.required(Self.replaces)
        let verified = try MachineReport.clientCall { () throws(ClientError) in
            try client.emergency(nodeURL: node, failedActivation: replaces, country: country)
        }
        Console.print((["ACTIVATED (emergency): this machine holds a temporary seat"] + MachineReport.describe(verified)).joined(separator: "\n"))
        return .success
    }
}
