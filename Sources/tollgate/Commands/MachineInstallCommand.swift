import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine
import TollgateWire

/// `tollgate machine install`: take in the reseller's response to an offline request.
enum MachineInstallCommand: Command {
    static let spec = CommandSpec(
        name: "machine install",
        abstract: "Verify and install a node's response file (an activation or a deactivation), a license file of the installed lineage or an add-on, or a revocation file.",
        discussion: "Nothing is stored unless the response verifies against the vendor's key and belongs to this machine. "
            + "A revocation ('tollgate revoke --out') of the installed license or of a certificate of its chain is kept, "
            + "and every later 'machine check' applies it. A license file that renews, upgrades, downgrades or converts the installed "
            + "license replaces it and keeps the activation; an add-on file is kept beside it; an older license of the lineage is refused.",
        options: [MachineReport.dir.required],
        positionals: [response])

    static let response = Positional("response", help: "The response file from the reseller, a license or add-on file, or a revocation file.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        let path = arguments.value(of: response)
        let data = try readFile(path, what: "response file")
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if JWS.header(of: text)?.typ == Revocation.type {
            let revocation = try MachineReport.clientCall { () throws(ClientError) in try wallet.installRevocation(text, at: TimeArgument.now) }
            let named = revocation.payload.revokedName
            Console.print("""
                REVOCATION INSTALLED: \(named) is revoked from \(TimeText.iso(revocation.payload.effective, relativeTo: TimeArgument.now))
                  reason:       \(revocation.payload.reason)
                  revocation:   \(HashID.short(revocation.hash))
                """)
            return .success
        }
        if let file = try? LicenseFile(data: data) {
            let verified = try MachineReport.clientCall { () throws(ClientError) in try wallet.importLicense(file, at: TimeArgument.now) }
            let installed = JWS.hash(of: file.license) == verified.license.hash ? "LICENSE INSTALLED" : "ADD-ON INSTALLED"
            // With an activation held, the full check shows it carried over; else the license alone.
            let checked = (try? wallet.check(at: TimeArgument.now)) ?? verified
            Console.print(([installed + (checked.activation != nil ? ": the machine keeps its activation" : "")]
                           + MachineReport.describe(checked)).joined(separator: "\n"))
            return .success
        }
        let result = try MachineReport.clientCall { () throws(ClientError) in
            try wallet.install(try ActivationReceipt.read(data), at: TimeArgument.now)
        }
        switch result {
        case .activated(let verified):
            Console.print((["ACTIVATED: this machine holds a verified seat"] + MachineReport.describe(verified)).joined(separator: "\n"))
        case .deactivated(let deactivation):
            Console.print("""
                DEACTIVATED: the node recorded that this machine gave its seat back
                  activation:   \(deactivation.payload.activation)
                  serial:       \(deactivation.payload.serial)
                  recorded at:  \(TimeText.iso(deactivation.payload.iat))
                """)
        }
        return .success
    }
}
