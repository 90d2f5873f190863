import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateWire

/// `tollgate transfer`: move licenses from one customer id to another (mergers and acquisitions).
enum TransferCommand: Command {
    static let spec = CommandSpec(
        name: "transfer",
        abstract: "Move licenses of this node's subtree from one customer to another: a merger, an acquisition, a renamed company.",
        discussion: "Without --\(licenses.name), every license --\(from.name) holds moves (a merge). The transfer is signed by this node, "
            + "logged and synced like a sale; the licenses are not changed and machines go on verifying them. Renewals here name the "
            + "new customer, and reports (the entitlement history, ARR by customer) read it from the transfer on. The issuer or any "
            + "ancestor of the issuer may transfer a license.",
        options: [from.required, to.required, licenses, out] + NodeTarget.options)

    static let from = Option<String>("from", value: "customer", help: "The customer the licenses belong to now.")
    static let to = Option<String>("to", value: "customer", help: "The customer they move to.")
    static let licenses = Option<[String]>("licenses", value: "id,id,...",
                                           help: "Ids of the licenses to move, as 'list licenses' prints them, or unique prefixes (default: all of --from's).")
    static let out = CommonOptions.out.with(help: "Also write the signed transfer here (one per line; a merge of over 256 licenses is several).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let body = APIBodies.TransferBody(from: try arguments.required(from), to: try arguments.required(to), licenses: try arguments.value(licenses))
        let signed: [APIBodies.SignedObjectBody] = try target.call(
            local: { node in
                try node.transferCustomer(from: body.from, to: body.to, licenses: body.licenses ?? [], at: TimeArgument.now)
                    .map { APIBodies.SignedObjectBody(object: $0.compact) }
            },
            endpoint: .transferCustomer, body: body)
        if let out = try arguments.value(Self.out) {
            try Data(signed.map { $0.object + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting)
        }
        let transfers = try signed.map { try SignedCustomerTransfer(compact: $0.object).payload }
        let moved = transfers.flatMap(\.licenses)
        guard let first = transfers.first else { throw CommandFailure("the node answered the transfer with no signed transfer") }
        Console.print("moved \(moved.count) license\(moved.count == 1 ? "" : "s") from \(first.from) to \(first.to) (\(first.reason)): "
                      + moved.map(HashID.short).joined(separator: ", "))
        return .success
    }
}
