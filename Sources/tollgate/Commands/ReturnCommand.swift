import Foundation
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages
import TollgateService
import TollgateWire

/// `tollgate return`: hand unused quota back to the parent.
enum ReturnCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "return",
        abstract: "Return free serials to the parent; this node never uses them again.",
        discussion: "The signed return reaches the parent with the next sync, or hand <out> to the parent's 'tollgate receive'.",
        options: [
            .init(name: "seats", value: "start..end", help: "The serials to hand back.", required: true),
            .init(name: "out", value: "file", help: "Also write the signed return here."),
            .init(name: "from", value: "certificate", help: "Hash prefix or jti of the held certificate."),
        ] + NodeTarget.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        guard let seats = SerialRange(parsing: try arguments.required("seats")) else {
            throw ValidationError("--seats must be START..END")
        }
        let from = arguments.value("from")
        let body = APIBodies.ReturnBody(seats: seats, from: from)
        let signed: APIBodies.SignedObjectBody = try target.call(
            local: { APIBodies.SignedObjectBody(object: try $0.returnQuota(seats, certificateHash: from, at: TimeArgument.now).compact) },
            method: .post, path: "/v1/returns", body: body)
        if let out = arguments.value("out") {
            try Data((signed.object + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting)
        }
        Console.print("returned serials \(seats) (\(seats.count)) to the parent" + (arguments.value("out").map { ": \($0)" } ?? ""))
        return .success
    }
}
