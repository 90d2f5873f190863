import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateWire

/// `tollgate site bind`: install the agent's answer to the site's request; the site serves leases from then on.
enum SiteBindCommand: Command {
    static let spec = CommandSpec(
        name: "site bind",
        abstract: "Bind this site node to its floating license with the agent's response file (its site activation).",
        options: NodeTarget.options,
        positionals: [response])

    static let response = Positional("response-file", help: "The response file the agent answered the site request with.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let receipt = try ActivationReceipt(data: Data(contentsOf: URL(fileURLWithPath: arguments.value(of: response))))
        let bound = try target.call(local: { node in APIBodies.SignedObjectBody(object: try node.bindSite(receipt, at: TimeArgument.now).compact) },
                                    endpoint: .bindSite, body: receipt)
        describe(try SignedActivation(compact: bound.object))
        return .success
    }

    /// What a bound site prints.
    static func describe(_ activation: SignedActivation) {
        Console.print("site bound to license \(activation.payload.license)\n  site activation: \(activation.hash)\n  until:           \(activation.payload.exp.map(TimeText.iso) ?? "-")")
    }
}
