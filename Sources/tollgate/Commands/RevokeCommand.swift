import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateService
import TollgateWire

/// `tollgate revoke`: withdraw a child's certificate.
enum RevokeCommand: Command {
    static let spec = CommandSpec(
        name: "revoke",
        abstract: "Revoke a certificate this node delegated: its later licenses stop verifying.",
        discussion: "Licenses issued before --\(effective.name) stay valid: customers are not punished for their reseller.",
        options: [certificate.required, reason.required, effective, out] + NodeTarget.options)

    static let certificate = Option<String>("certificate", value: "id", help: "The delegated certificate's id as 'list certificates' prints it, or a unique prefix.")
    static let reason = Option<String>("reason", value: "text", help: "Why, for the record.")
    static let effective = Option<Int64>.time("effective", help: "From when (default now).")
    static let out = CommonOptions.out.with(help: "Also write the signed revocation here.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let certificate = try arguments.required(Self.certificate), reason = try arguments.required(Self.reason)
        let effective = try arguments.value(Self.effective)
        let body = APIBodies.RevocationBody(certificate: certificate, effective: effective, reason: reason)
        let signed: APIBodies.SignedObjectBody = try target.call(
            local: { APIBodies.SignedObjectBody(object: try $0.revoke(certificateHash: certificate, effective: effective, reason: reason, at: TimeArgument.now).compact) },
            endpoint: .revoke, body: body)
        if let out = try arguments.value(Self.out) {
            try Data((signed.object + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting)
        }
        let revocation = try SignedRevocation(compact: signed.object).payload
        Console.print("revoked certificate \(HashID.short(revocation.cert)) from \(TimeText.iso(revocation.effective)): \(reason)")
        return .success
    }
}
