import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateService
import TollgateWire

/// `tollgate receive`: take a quota return from a child or a revocation from an ancestor, as a file.
enum ReceiveCommand: Command {
    static let spec = CommandSpec(
        name: "receive",
        abstract: "Take a signed quota return (from a child) or revocation (from an ancestor) delivered as a file.",
        options: NodeTarget.options,
        positionals: [file])

    static let file = Positional("file", help: "The signed object (compact JWS).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let compact = try trimmedText(arguments.value(of: file), what: "signed object")
        let body = APIBodies.SignedObjectBody(object: compact)
        if (try? SignedQuotaReturn(compact: compact)) != nil {
            let _: APIBodies.SignedObjectBody = try target.call(local: { try $0.receiveReturn(compact, at: TimeArgument.now); return body },
                                                                endpoint: .receiveReturn, body: body)
            Console.print("quota return recorded: its serials may be delegated again")
        } else if (try? SignedRevocation(compact: compact)) != nil {
            let _: APIBodies.SignedObjectBody = try target.call(local: { try $0.receiveRevocation(compact, at: TimeArgument.now); return body },
                                                                endpoint: .receiveRevocation, body: body)
            Console.print("revocation recorded")
        } else {
            throw CommandFailure("\(arguments.value(of: file)) is neither a quota return nor a revocation")
        }
        return .success
    }
}
