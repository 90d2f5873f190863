import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateTestSupport

/// One test vector of Certificates/vectors laid out as a customer's files (the vendor's key in
/// PEM, the license file, the activation, revocations) and the example programs' arguments for it.
struct LibraryVector {
    struct Expectation: Decodable {
        var valid: Bool
        var rule: String?
        var object: String?
        /// For a valid vector: its standing, whole days until it changes (absent: never) and the features it enables.
        var state: String?
        var days_left: Int64?
        var features: [String]?
    }

    private struct Stored: Decodable {
        var name: String
        var anchor: String
        var now: Int64
        var chain: [String]
        var license: String
        var activation: String?
        var machine_key: String?
        var revocations: [String]
        var release: Int64?
        var expect: Expectation
    }

    let name: String
    let now: Int64
    let expect: Expectation
    let directory: TemporaryDirectory
    /// The arguments after the options: key, license file and, with an activation, the activation
    /// and `--machine`.
    let arguments: [String]
    /// The license as the vector holds it, for expectations derived from its claims.
    let license: SignedLicense

    /// Reads vector `name`; `tamper`, when given, changes the license's compact form first.
    init(_ name: String, tamper: ((String) -> String)? = nil) throws {
        let url = TollgateBinary.packageRoot.appendingPathComponent("Certificates/vectors/\(name).json")
        let stored = try JSONDecoder().decode(Stored.self, from: Data(contentsOf: url))
        self.name = name
        now = stored.now
        expect = stored.expect
        license = try SignedLicense(compact: stored.license)
        directory = try TemporaryDirectory("libtollgate-\(name)")
        let key = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(stored.anchor))
        try key.pemRepresentation.write(toFile: directory.path("vendor.pem"), atomically: true, encoding: .utf8)
        let file = LicenseFile(chain: stored.chain, license: tamper?(stored.license) ?? stored.license)
        try file.encoded().write(to: directory.url("license.json"))
        var arguments = [directory.path("vendor.pem"), directory.path("license.json")]
        if let activation = stored.activation {
            try (activation + "\n").write(toFile: directory.path("activation.jws"), atomically: true, encoding: .utf8)
            // This machine is the vector's, or else the one the activation was made for: then the
            // verdict is the vector's rule, not a mismatch of machines.
            let machine = try stored.machine_key ?? SignedActivation(compact: activation).payload.machineKey
            arguments += [directory.path("activation.jws"), "--machine", machine]
        }
        var options = ["--now", String(stored.now)]
        if let release = stored.release { options += ["--release-date", String(release)] }
        for (index, revocation) in stored.revocations.enumerated() {
            let path = directory.path("revocation-\(index).jws")
            try revocation.write(toFile: path, atomically: true, encoding: .utf8)
            options += ["--revocation", path]
        }
        self.arguments = options + arguments
    }

    /// The vectors the C and Python checks run: good, tampered, expired, revoked, wrong machine,
    /// wrong country (a license sold outside its certificate, an activation outside the license),
    /// maintenance (a release before and after `updates_until`) and lenient over-use.
    static let checked = ["valid-with-activation", "valid-perpetual", "bad-signature-license", "bad-signature-activation", "expired",
                          "activation-expired", "revoked", "machine-mismatch", "country-not-allowed", "activation-outside-territory",
                          "expired-after-grace", "tier-not-allowed", "valid-maintained-release", "release-after-maintenance",
                          "valid-lenient-over-use", "over-use-not-allowed"]

    /// Tiered licenses with declared expiry behaviour, one in each state that verifies.
    static let standings = ["valid-tier-active", "valid-expiring", "valid-grace", "valid-downgraded"]

    /// Changes one character in the middle of a compact JWS's signature.
    static func flipSignature(_ compact: String) -> String {
        var characters = Array(compact)
        let index = characters.count - 20
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }
}
