import Foundation
import TollgateCertificates
import TollgateCrypto

/// Builds the format's test vectors from fixed seeds: a valid chain of depth 3 and, for every
/// rejection rule, a case that breaks exactly that rule. Ed25519 signatures are deterministic and
/// payloads are encoded with sorted keys, so the output is the same byte for byte on every run.
public struct VectorGenerator {
    static let nbf: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z
    static let exp: Int64 = 1_798_761_600  // 2027-01-01T00:00:00Z
    static let now: Int64 = 1_772_323_200  // 2026-03-01T00:00:00Z
    static let iat: Int64 = 1_770_000_000

    let root: Ed25519PrivateKey
    let general: Ed25519PrivateKey
    let regional: Ed25519PrivateKey
    let machine: Ed25519PrivateKey
    let other: Ed25519PrivateKey

    public init() throws {
        func key(_ name: String) throws -> Ed25519PrivateKey {
            try Ed25519PrivateKey(seed: SHA256Digest.hash(Array("tollgate test vector key: \(name)".utf8)))
        }
        root = try key("root")
        general = try key("general-agent")
        regional = try key("regional-agent")
        machine = try key("machine")
        other = try key("outsider")
    }

    // MARK: Baseline objects

    func generalCertificate() -> AllocationCertificate {
        AllocationCertificate(
            iss: root.publicKey.thumbprint, sub: "ga-europe", subKey: Base64URL.encode(general.publicKey.rawRepresentation),
            parent: nil, seats: SerialRange(1_000, 101_000), countries: ["AT", "CH", "DE", "FR", "IT"],
            products: ["cad-pro": ["export", "render", "simulate"], "cad-lite": ["export"]],
            models: ["perpetual", "subscription", "trial"], priceFloor: ["CHF": 4_500, "EUR": 4_000],
            depth: 2, nbf: Self.nbf, exp: Self.exp, syncWithin: 14 * 86_400, jti: "vector-cert-ga-europe")
    }

    func regionalCertificate(parent: String) -> AllocationCertificate {
        AllocationCertificate(
            iss: general.publicKey.thumbprint, sub: "ra-dach", subKey: Base64URL.encode(regional.publicKey.rawRepresentation),
            parent: parent, seats: SerialRange(1_000, 11_000), countries: ["AT", "CH", "DE"],
            products: ["cad-pro": ["export", "render"]], models: ["perpetual", "subscription"],
            priceFloor: ["CHF": 5_000, "EUR": 4_500], depth: 1, nbf: Self.nbf, exp: Self.exp - 86_400 * 30,
            syncWithin: 7 * 86_400, jti: "vector-cert-ra-dach")
    }

    func license(cert: String) -> License {
        License(iss: regional.publicKey.thumbprint, cert: cert, seats: SerialRange(1_000, 1_005), customer: "Muster GmbH",
                country: "DE", territory: ["AT", "DE"], product: "cad-pro", features: ["export", "render"],
                model: "subscription", price: Price(currency: "EUR", amount: 4_900), iat: Self.iat, nbf: Self.iat,
                exp: Self.iat + 365 * 86_400, logIndex: 7, jti: "vector-license-muster")
    }

    func activation(license: String) -> Activation {
        Activation(iss: regional.publicKey.thumbprint, license: license, serial: 1_002,
                   machineKey: Base64URL.encode(machine.publicKey.rawRepresentation),
                   fingerprint: Base64URL.encode(SHA256Digest.hash(Array("machine fingerprint".utf8))),
                   platform: "linux-x86_64", country: "AT", iat: Self.iat + 3_600, exp: nil, kind: .standard,
                   jti: "vector-activation-1")
    }

    /// The objects of one case, before and after mutation.
    struct Case {
        var general: AllocationCertificate
        var regional: AllocationCertificate
        var license: License
        var activation: Activation?
        var generalSigner: Ed25519PrivateKey
        var regionalSigner: Ed25519PrivateKey
        var licenseSigner: Ed25519PrivateKey
        var activationSigner: Ed25519PrivateKey
        var revocations: [String] = []
        /// A revocation of the case's own license (signed once the license's hash is known), by
        /// `signer`, from `effective`.
        var licenseRevocation: (signer: Ed25519PrivateKey, effective: Int64)?
        var machineKey: String?
        var release: Int64?
        var now: Int64 = VectorGenerator.now
        /// Rewrites applied to the signed compact forms: (chain, license, activation).
        var rewrite: ((inout [String], inout String, inout String?) -> Void)?
        /// Which hash links are set after signing; a case that breaks a link itself turns it off.
        var linkParent = true
        var linkCertificate = true
        var linkLicense = true
    }

    func baseline() -> Case {
        let ga = generalCertificate()
        return Case(general: ga, regional: regionalCertificate(parent: ""), license: license(cert: ""), activation: nil,
                    generalSigner: root, regionalSigner: general, licenseSigner: regional, activationSigner: regional)
    }

    func render(_ c: Case, name: String, description: String, expect: TestVector.Verdict) throws -> TestVector {
        var regional = c.regional
        var license = c.license
        let gaSigned = try SignedCertificate.signUnchecked(c.general, with: c.generalSigner)
        if c.linkParent { regional.parent = gaSigned.hash }
        let raSigned = try SignedCertificate.signUnchecked(regional, with: c.regionalSigner)
        if c.linkCertificate { license.cert = raSigned.hash }
        let licenseSigned = try SignedLicense.signUnchecked(license, with: c.licenseSigner)
        var activationCompact: String?
        if var activation = c.activation {
            if c.linkLicense { activation.license = licenseSigned.hash }
            activationCompact = try SignedActivation.signUnchecked(activation, with: c.activationSigner).compact
        }
        var chain = [gaSigned.compact, raSigned.compact]
        var licenseCompact = licenseSigned.compact
        c.rewrite?(&chain, &licenseCompact, &activationCompact)
        var revocations = c.revocations
        if let (signer, effective) = c.licenseRevocation {
            let revocation = Revocation(iss: signer.publicKey.thumbprint, license: licenseSigned.hash, effective: effective, reason: .refund,
                                        iat: effective, jti: "vector-license-revocation")
            revocations.append(try SignedRevocation.sign(revocation, with: signer).compact)
        }
        return TestVector(name: name, description: description, anchor: Base64URL.encode(root.publicKey.rawRepresentation),
                          now: c.now, chain: chain, license: licenseCompact, revocations: revocations,
                          activation: activationCompact, machineKey: c.machineKey, release: c.release, expect: expect)
    }

    /// A revocation of the baseline's certificate at `index`, signed by `signer`.
    func revocation(ofCertificateAt index: Int, signer: Ed25519PrivateKey, effective: Int64) throws -> String {
        let baseline = try render(baseline(), name: "", description: "", expect: .init(valid: true))
        let hash = Base64URL.encode(SHA256Digest.hash(Array(baseline.chain[index].utf8)))
        let revocation = Revocation(iss: signer.publicKey.thumbprint, cert: hash, effective: effective,
                                    reason: "channel arbitrage", iat: effective, jti: "vector-revocation-\(index)")
        return try SignedRevocation.sign(revocation, with: signer).compact
    }
}

extension VectorGenerator: Sendable {}
