import Foundation
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages
import TollgateService
import TollgateWire

/// `tollgate revoke`: withdraw a child's certificate.
enum RevokeCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "revoke",
        abstract: "Revoke a certificate this node delegated: its later licenses stop verifying.",
        discussion: "Licenses issued before --effective stay valid: customers are not punished for their reseller.",
        options: [
            .init(name: "certificate", value: "hash", help: "Hash prefix or jti of the delegated certificate.", required: true),
            .init(name: "reason", value: "text", help: "Why, for the record.", required: true),
            .init(name: "effective", value: "time", help: "From when (default now)."),
            .init(name: "out", value: "file", help: "Also write the signed revocation here."),
        ] + NodeTarget.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let certificate = try arguments.required("certificate"), reason = try arguments.required("reason")
        let effective = try arguments.value("effective").map { try TimeArgument.instant($0, option: "effective") }
        let body = APIBodies.RevocationBody(certificate: certificate, effective: effective, reason: reason)
        let signed: APIBodies.SignedObjectBody = try target.call(
            local: { APIBodies.SignedObjectBody(object: try $0.revoke(certificateHash: certificate, effective: effective, reason: reason, at: TimeArgument.now).compact) },
            method: .post, path: "/v1/revocations", body: body)
        if let out = arguments.value("out") {
            try Data((signed.object + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting)
        }
        let revocation = try SignedRevocation(compact: signed.object).payload
        Console.print("revoked certificate \(revocation.cert.prefix(12)) from \(TimeArgument.format(revocation.effective)): \(reason)")
        return .success
    }
}
