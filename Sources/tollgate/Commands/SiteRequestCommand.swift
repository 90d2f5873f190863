import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateNode

/// `tollgate site request`: a site node's binding request, as a file for the issuing agent.
enum SiteRequestCommand: Command {
    static let spec = CommandSpec(
        name: "site request",
        abstract: "Write the site node's request to be bound to a floating license, signed by the site's key.",
        discussion: "Carry the file to the agent that issued the license; it answers with 'tollgate answer --out <response> <request>', "
            + "and 'tollgate site bind' installs the response. One site serves a license.",
        options: [CommonOptions.dir.with(help: "The site node directory.").required, license.required, out.required])

    static let license = Option<String>("license", value: "file", help: "The floating license file the site will serve.")
    static let out = CommonOptions.out.with(help: "Where to write the request.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let node = try NodeDirectory(try arguments.required(CommonOptions.dir)).open()
        let (request, sold) = try signedRequest(node, licenseFile: try arguments.required(license))
        let url = URL(fileURLWithPath: try arguments.required(out))
        try Data((request + "\n").utf8).write(to: url, options: .withoutOverwriting)
        Console.print("site request written to \(url.path)\n  license: \(sold.hash)\n  site:    \(node.identity.key.publicKey.thumbprint)")
        return .success
    }

    /// The site's binding request for the floating license in `licenseFile`, signed by the site's key
    /// (for a file, or for `tollgate site activate` to send online).
    static func signedRequest(_ node: LicensingNode, licenseFile: String) throws -> (request: String, license: SignedLicense) {
        let file = try LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: licenseFile)))
        let sold = try SignedLicense(compact: file.license)
        let key = node.identity.key
        let machineKey = Base64URL.encode(key.publicKey.rawRepresentation)
        let payload = MachineRequest(action: .site, license: sold.hash, machineKey: machineKey,
                                     fingerprint: Base64URL.encode(SHA256Digest.hash(Array(machineKey.utf8))), platform: "tollgate-site",
                                     country: sold.payload.country, iat: TimeArgument.now, nonce: Base64URL.encode(try SecureRandom.bytes(count: 16)))
        return (try SignedMachineRequest.sign(payload, with: key).compact, sold)
    }
}
