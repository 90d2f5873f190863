import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateService
import TollgateWire

/// `tollgate revoke`: withdraw a child's certificate, or one license of this node's subtree.
enum RevokeCommand: Command {
    static let spec = CommandSpec(
        name: "revoke",
        abstract: "Revoke a certificate this node delegated (its later licenses stop verifying) or one license (refund, fraud, chargeback).",
        discussion: "Licenses issued before --\(effective.name) stay valid: customers are not punished for their reseller. "
            + "A license revoked with --\(license.name) stops verifying from --\(effective.name) on, at its issuer (no more activations "
            + "or renewals) and on every machine once it holds the revocation ('machine status' brings it); its activations stay in the log. "
            + "The issuer or any ancestor of the issuer may revoke a license.",
        options: [certificate, license, reason.required, effective, out] + NodeTarget.options)

    static let certificate = Option<String>("certificate", value: "id", help: "The delegated certificate's id as 'list certificates' prints it, or a unique prefix.")
    static let license = Option<String>("license", value: "id", help: "A license this node or a descendant issued: its id as 'list licenses' prints it, or a unique prefix.")
    static let reason = Option<String>("reason", value: "text", help: "Why, for the record; for a license one of \(licenseReasons).")
    static let effective = Option<Int64>.time("effective", help: "From when (default now).")
    static let out = CommonOptions.out.with(help: "Also write the signed revocation here.")

    static let licenseReasons = Revocation.LicenseReason.allCases.map(\.rawValue).joined(separator: ", ")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let reason = try arguments.required(Self.reason)
        let effective = try arguments.value(Self.effective)
        let body: APIBodies.RevocationBody
        switch (try arguments.value(Self.certificate), try arguments.value(Self.license)) {
        case (let certificate?, nil): body = APIBodies.RevocationBody(certificate: certificate, effective: effective, reason: reason)
        case (nil, let license?):
            guard Revocation.LicenseReason(rawValue: reason) != nil else {
                throw ValidationError("--\(Self.reason.name) '\(reason)' is not one a license is revoked for: give one of \(licenseReasons)", code: .invalidValue)
            }
            body = APIBodies.RevocationBody(license: license, effective: effective, reason: reason)
        case (nil, nil):
            throw ValidationError("give --\(certificate.name) <id> or --\(license.name) <id>", code: .missingOption)
        case (_?, _?):
            throw ValidationError("give --\(certificate.name) or --\(license.name), not both", code: .conflictingOptions)
        }
        let signed: APIBodies.SignedObjectBody = try target.call(
            local: { node in
                let revocation = if let license = body.license {
                    try node.revoke(license: license, effective: effective, reason: reason, at: TimeArgument.now)
                } else {
                    try node.revoke(certificateHash: body.certificate!, effective: effective, reason: reason, at: TimeArgument.now)
                }
                return APIBodies.SignedObjectBody(object: revocation.compact)
            },
            endpoint: .revoke, body: body)
        if let out = try arguments.value(Self.out) {
            try Data((signed.object + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting)
        }
        let revocation = try SignedRevocation(compact: signed.object)
        if let license = revocation.payload.license {
            Console.print("revoked license \(HashID.short(license)) from \(TimeText.iso(revocation.payload.effective)): \(reason) "
                          + "(revocation \(HashID.short(revocation.hash)))")
        } else {
            Console.print("revoked certificate \(HashID.short(revocation.payload.cert!)) from \(TimeText.iso(revocation.payload.effective)): \(reason)")
        }
        return .success
    }
}
