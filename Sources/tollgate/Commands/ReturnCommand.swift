import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateService
import TollgateWire

/// `tollgate return`: hand unused quota back to the parent.
enum ReturnCommand: Command {
    static let spec = CommandSpec(
        name: "return",
        abstract: "Return free serials to the parent; this node never uses them again.",
        discussion: "The signed return reaches the parent with the next sync, or hand <out> to the parent's 'tollgate receive'.",
        options: [seats.required, out, CommonOptions.from] + NodeTarget.options)

    static let seats = Option<SerialRange>("seats", value: "start..end", help: "The serials to hand back.") { text throws(ValidationError) in
        guard let range = SerialRange(parsing: text) else { throw ValidationError("must be START..END, got '\(text)'") }
        return range
    }
    static let out = CommonOptions.out.with(help: "Also write the signed return here.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let seats = try arguments.required(Self.seats)
        let from = try arguments.value(CommonOptions.from)
        let body = APIBodies.ReturnBody(seats: seats, from: from)
        let signed: APIBodies.SignedObjectBody = try target.call(
            local: { APIBodies.SignedObjectBody(object: try $0.returnQuota(seats, certificateHash: from, at: TimeArgument.now).compact) },
            endpoint: .returnQuota, body: body)
        let out = try arguments.value(Self.out)
        if let out {
            try Data((signed.object + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting)
        }
        Console.print("returned serials \(seats) (\(seats.count)) to the parent" + (out.map { ": \($0)" } ?? ""))
        return .success
    }
}
