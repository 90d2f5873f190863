import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto

/// `tollgate verify`: the offline check end customers' software runs.
enum VerifyCommand: Command {
    static let spec = CommandSpec(
        name: "verify",
        abstract: "Verify a license file offline against the vendor's public key.",
        discussion: "Exit code 0: valid; 1: invalid (the rule and object that failed are printed); 2: usage; 3: unreadable input.",
        options: [
            CommonOptions.anchor.with(help: "The vendor's (root's) public key.").required,
            activation,
            machineKey,
            revocation.repeatable,
            CommonOptions.at.with(help: "Verify as of this time instead of now."),
            skew,
        ],
        flags: [CommonOptions.json.with(help: "Print the verdict as JSON.")],
        positionals: [licenseFile])

    static let activation = Option<String>("activation", value: "file", help: "An activation (compact JWS) to check against the license.")
    static let machineKey = Option<String>("machine-key", value: "public-key.pem", help: "The machine the activation must be bound to.")
    static let revocation = Option<String>("revocation", value: "file", help: "A revocation (compact JWS) to apply.")
    static let skew = Option<Int64>("skew", value: "seconds", help: "Clock skew tolerance (default 300).", range: 0...Int64.max)
    static let licenseFile = Positional("license-file", help: "The license file (JSON with chain and license).")

    struct Report: Encodable {
        var valid: Bool
        /// The license's id, whole; the text output prints it short, as every command does.
        var id: String?
        var rule: String?
        var object: String?
        var reason: String?
        var customer: String?
        var product: String?
        var features: [String]?
        var model: String?
        var seats: [UInt64]?
        var territory: [String]?
        var expires: Int64?
        /// The trust anchor: the root's name where it is known (``rootName(anchorPath:key:)``), else its key id.
        var root: String?
        var chain: [String]?
        var activation: ActivationReport?
    }

    struct ActivationReport: Encodable {
        var serial: UInt64
        var kind: String
        var country: String
        var expires: Int64?
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let anchorKey = try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: arguments.required(CommonOptions.anchor)))
        let path = arguments.value(of: licenseFile)
        let fileData = try readFile(path, what: "license file")
        let activation = try arguments.value(Self.activation).map { try trimmedText($0, what: "activation") }
        let revocations = try arguments.values(revocation).map { try trimmedText($0, what: "revocation") }
        let machine = try arguments.value(machineKey).map {
            MachineIdentity(machineKey: Base64URL.encode(try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: $0)).rawRepresentation))
        }
        let now = try arguments.value(CommonOptions.at) ?? TimeArgument.now
        var policy = VerificationPolicy()
        if let skew = try arguments.value(skew) { policy.clockSkew = skew }
        let verifier = LicenseVerifier(anchor: TrustAnchor(publicKey: anchorKey), policy: policy)

        let root = Self.rootName(anchorPath: try arguments.required(CommonOptions.anchor), key: anchorKey)
        let report: Report
        do {
            let file = try LicenseFile(data: fileData)
            let verified = try verifier.verify(file, at: now, revocations: revocations, activation: activation, machine: machine)
            let license = verified.license.payload
            report = Report(valid: true, id: verified.license.hash, customer: license.customer, product: license.product, features: license.features,
                            model: license.model, seats: [license.seats.start, license.seats.end], territory: license.territory,
                            expires: license.exp, root: root,
                            chain: verified.chain.map(\.payload.sub),
                            activation: verified.activation.map {
                                ActivationReport(serial: $0.payload.serial, kind: $0.payload.kind.rawValue,
                                                 country: $0.payload.country, expires: $0.payload.exp)
                            })
        } catch {
            report = Report(valid: false, rule: error.rule.rawValue, object: error.object, reason: error.reason)
        }
        if arguments.isSet(CommonOptions.json) {
            try JSONOutput.print(report)
        } else if report.valid {
            var lines = [
                "VALID license \(report.id.map(HashID.short) ?? "") for \(report.customer ?? "")",
                "  product:   \(report.product ?? "") [\(report.features?.joined(separator: ", ") ?? "")]",
                "  model:     \(report.model ?? "")\(report.expires.map { ", expires \(TimeText.iso($0, relativeTo: now))" } ?? "")",
                "  seats:     \(report.seats.map { "[\($0[0]), \($0[1])) — \($0[1] - $0[0]) machine(s)" } ?? "")",
                "  territory: \(report.territory?.joined(separator: ", ") ?? "")",
                "  chain:     \(([report.root ?? ""] + (report.chain ?? [])).joined(separator: " → "))",
            ]
            if let activation = report.activation {
                lines.append("  activation: serial \(activation.serial), \(activation.kind), \(activation.country)"
                             + (activation.expires.map { ", until \(TimeText.iso($0, relativeTo: now))" } ?? ""))
            }
            Console.print(lines.joined(separator: "\n"))
        } else {
            Console.print("INVALID: \(report.rule ?? "") in \(report.object ?? "")\n  \(report.reason ?? "")")
        }
        return report.valid ? .success : .invalid
    }
}

extension VerifyCommand {
    /// The root's name when the anchor given is the one in the root's own directory (its node.json
    /// names a root whose node.pub is this key); otherwise `anchor <key id>`, since a license file
    /// names its root by key alone.
    static func rootName(anchorPath: String, key: Ed25519PublicKey) -> String {
        let directory = NodeDirectory(URL(fileURLWithPath: anchorPath).deletingLastPathComponent().path)
        if let config = try? directory.config(), config.role == "root",
           let own = try? Ed25519PublicKey(contentsOf: directory.publicKeyURL), own.thumbprint == key.thumbprint {
            return config.name
        }
        return "anchor \(HashID.short(key.thumbprint))"
    }
}

func readFile(_ path: String, what: String) throws -> Data {
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw CommandFailure("cannot read \(what) \(path): \(error.localizedDescription)")
    }
}

func trimmedText(_ path: String, what: String) throws -> String {
    String(decoding: try readFile(path, what: what), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
