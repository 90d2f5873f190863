import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCrypto
import TollgateWire

/// A vendor, a general agent and a reseller with fixed keys, a valid certificate chain and a
/// license under it: what a node would hand a machine, signed here without a node.
struct TestChannel {
    static let now: Int64 = 1_772_323_200  // 2026-03-01T00:00:00Z
    static let product = "cad-pro"

    let root: Ed25519PrivateKey
    let general: Ed25519PrivateKey
    let reseller: Ed25519PrivateKey
    let chain: [String]
    let license: SignedLicense

    /// With `metering`, both certificates grant `metered` and the license is metered (until `licenseExp`, or 300 days).
    init(seed: String = "channel", product: String = TestChannel.product, licenseExp: Int64? = nil, metering: Metering? = nil) throws {
        func key(_ name: String) throws -> Ed25519PrivateKey {
            try Ed25519PrivateKey(seed: SHA256Digest.hash(Array("tollgate client test key: \(seed) \(name)".utf8)))
        }
        root = try key("root")
        general = try key("general")
        reseller = try key("reseller")
        let nbf: Int64 = 1_767_225_600, exp: Int64 = 1_798_761_600
        let models = metering == nil ? ["perpetual", "subscription"] : ["metered", "perpetual", "subscription"]
        let generalCertificate = try SignedCertificate.sign(AllocationCertificate(
            iss: root.publicKey.thumbprint, sub: "ga-europe", subKey: Base64URL.encode(general.publicKey.rawRepresentation),
            parent: nil, seats: SerialRange(1_000, 101_000), countries: ["AT", "CH", "DE"],
            products: [product: ["export", "render"]], models: models,
            priceFloor: ["EUR": 4_000], depth: 2, nbf: nbf, exp: exp, syncWithin: 14 * 86_400, jti: "cert-ga"), with: root)
        let resellerCertificate = try SignedCertificate.sign(AllocationCertificate(
            iss: general.publicKey.thumbprint, sub: "ra-dach", subKey: Base64URL.encode(reseller.publicKey.rawRepresentation),
            parent: generalCertificate.hash, seats: SerialRange(1_000, 11_000), countries: ["AT", "DE"],
            products: [product: ["export", "render"]], models: models,
            priceFloor: ["EUR": 4_500], depth: 1, nbf: nbf, exp: exp, syncWithin: 7 * 86_400, jti: "cert-ra"), with: general)
        chain = [generalCertificate.compact, resellerCertificate.compact]
        let iat = Self.now - 86_400
        license = try SignedLicense.sign(License(
            iss: reseller.publicKey.thumbprint, cert: resellerCertificate.hash, seats: SerialRange(1_000, 1_002),
            customer: "Muster GmbH", country: "DE", territory: ["AT", "DE"], product: product, features: ["export"],
            model: metering != nil ? License.meteredModel : licenseExp == nil ? "perpetual" : "subscription", price: Price(currency: "EUR", amount: 4_900),
            iat: iat, nbf: iat, exp: metering != nil ? licenseExp ?? Self.now + 300 * 86_400 : licenseExp, logIndex: 3, jti: "license-muster",
            metering: metering), with: reseller)
    }

    var anchor: Ed25519PublicKey { root.publicKey }
    var licenseFile: LicenseFile { LicenseFile(chain: chain, license: license.compact) }

    /// The reseller's activation of one seat for the machine that signed `request`.
    func activation(for request: String, serial: UInt64 = 1_000, at iat: Int64 = TestChannel.now, exp: Int64? = nil,
                    kind: Activation.Kind = .standard, signer: Ed25519PrivateKey? = nil) throws -> SignedActivation {
        let claims = try SignedMachineRequest(compact: request).payload
        return try activation(machineKey: claims.machineKey, fingerprint: claims.fingerprint, country: claims.country, serial: serial,
                              at: iat, exp: exp, kind: kind, replaces: claims.action == .emergency ? claims.activation : nil, signer: signer)
    }

    func activation(machineKey: String, fingerprint: String, country: String = "DE", serial: UInt64 = 1_000,
                    at iat: Int64 = TestChannel.now, exp: Int64? = nil, kind: Activation.Kind = .standard, replaces: String? = nil,
                    signer: Ed25519PrivateKey? = nil) throws -> SignedActivation {
        let signer = signer ?? reseller
        return try SignedActivation.sign(Activation(
            iss: signer.publicKey.thumbprint, license: license.hash, serial: serial, machineKey: machineKey, fingerprint: fingerprint,
            platform: "linux-x86_64", country: country, iat: iat, exp: exp, kind: kind, jti: "activation-\(serial)-\(iat)",
            replaces: replaces), with: signer)
    }

    /// The reseller's record that the machine's signed `deactivate` request ended `activation`.
    func deactivation(of activation: SignedActivation, proof: String, signer: Ed25519PrivateKey? = nil) throws -> SignedDeactivation {
        let signer = signer ?? reseller
        return try SignedDeactivation.sign(Deactivation(
            iss: signer.publicKey.thumbprint, activation: activation.hash, serial: activation.payload.serial, proof: proof,
            iat: Self.now + 60, jti: "deactivation-\(activation.payload.serial)"), with: signer)
    }

    func response(_ object: String) -> ActivationReceipt {
        ActivationReceipt(license: licenseFile, activation: object)
    }
}

/// The machine-id files of a test machine.
enum TestMachineFiles {
    static func reader(machineID: String = "0123456789abcdef0123456789abcdef") -> SystemFileReader {
        .fixed(["/etc/machine-id": machineID + "\n"])
    }
}

