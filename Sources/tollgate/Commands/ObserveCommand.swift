import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateService
import TollgateWire

/// `tollgate observe`: record a license, activation or deactivation seen in the field, so the
/// audit checks it is logged where it says.
enum ObserveCommand: Command {
    static let spec = CommandSpec(
        name: "observe",
        abstract: "Record a license file, or an activation or deactivation of it, seen in the field; the audit checks it is in its issuer's log (hidden issuance).",
        discussion: "With --\(activation.name) or --\(deactivation.name), the file named holds that object's compact JWS and the license file is the license it belongs to.",
        options: NodeTarget.options + [activation, deactivation, usageReceipt],
        positionals: [licenseFile])

    static let activation = Option<String>("activation", value: "file", help: "An activation of the license (compact JWS).")
    static let deactivation = Option<String>("deactivation", value: "file", help: "A deactivation of one of the license's activations (compact JWS).")
    static let usageReceipt = Option<String>("usage-receipt", value: "file",
                                             help: "A usage receipt of the license: the receipt file 'answer-usage' wrote, or the receipt's compact JWS.")
    static let licenseFile = Positional("license-file", help: "The license file.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let file = try LicenseFile(data: readFile(arguments.value(of: licenseFile), what: "license file"))
        let observation: Observation
        switch (try arguments.value(activation), try arguments.value(deactivation), try arguments.value(usageReceipt)) {
        case (nil, nil, nil):
            observation = Observation(license: file)
        case (let path?, nil, nil):
            observation = Observation(kind: .activation, object: try compact(path, what: "activation"), license: file)
        case (nil, let path?, nil):
            observation = Observation(kind: .deactivation, object: try compact(path, what: "deactivation"), license: file)
        case (nil, nil, let path?):
            let data = try readFile(path, what: "usage receipt")
            let receipt = (try? UsageUploadResult(data: data))?.receipt ?? String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            observation = Observation(kind: .usageReceipt, object: receipt, license: file)
        default:
            throw ValidationError("give one of --\(activation.name), --\(deactivation.name) and --\(usageReceipt.name)", code: .conflictingOptions)
        }
        let body: APIBodies.ObservationBody = try target.call(local: { APIBodies.ObservationBody(recorded: try $0.observe(observation, at: TimeArgument.now)) },
                                                             endpoint: .observeLicense, body: observation)
        Console.print(body.recorded ? "recorded; the next audit checks it against its issuer's log" : "already recorded")
        return .success
    }

    private static func compact(_ path: String, what: String) throws -> String {
        String(decoding: try readFile(path, what: what), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
