import Foundation
import TollgateCertificates
import TollgateHTTP
import TollgateService

/// `tollgate observe`: record a license a customer showed the vendor, so the audit checks it is logged.
enum ObserveCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "observe",
        abstract: "Record a license file seen in the field; the audit checks it is in its issuer's log (hidden issuance).",
        options: NodeTarget.options,
        positionals: [.init(name: "license-file", help: "The license file.")])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let file = try LicenseFile(data: readFile(arguments.positional(0)!, what: "license file"))
        let body: APIBodies.ObservationBody = try target.call(local: { APIBodies.ObservationBody(recorded: try $0.observe(file, at: TimeArgument.now)) },
                                                             method: .post, path: "/v1/audit/observations", body: file)
        Console.print(body.recorded ? "recorded; the next audit checks it against its issuer's log" : "already recorded")
        return .success
    }
}
