import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateTestSupport

/// Tiers in certificates and licenses, a license's expiry behaviour, and the standing the verifier
/// computes from them: each rule and each bad field by its code.
@Suite struct TierAndExpiryTests {
    static let day: Int64 = 86_400
    static let exp: Int64 = 1_800_000_000

    static func certificate(tiers: [String: [String: [String]]]? = ["cad": ["basic": ["view"], "pro": ["export", "view"]]]) -> AllocationCertificate {
        AllocationCertificate(iss: "root", sub: "agent", subKey: "key", parent: nil, seats: SerialRange(0, 100), countries: ["DE"],
                              products: ["cad": ["export", "render", "view"]], models: ["subscription", "perpetual"],
                              priceFloor: ["EUR": 100], depth: 1, nbf: exp - 400 * day, exp: exp, syncWithin: 7 * day, jti: "c",
                              tiers: tiers)
    }

    static func license(tier: String? = "pro", features: [String] = ["export", "view"], exp: Int64? = TierAndExpiryTests.exp,
                        expiry: ExpiryBehaviour? = ExpiryBehaviour(warnDays: 14, graceDays: 7, ending: .downgrade(tier: "basic"))) -> License {
        License(iss: "agent", cert: "c", seats: SerialRange(0, 2), customer: "Muster", country: "DE", territory: ["DE"], product: "cad",
                features: features, model: exp == nil ? "perpetual" : "subscription", price: Price(currency: "EUR", amount: 100),
                iat: Self.exp - 300 * day, nbf: Self.exp - 300 * day, exp: exp, logIndex: 0, jti: "l", tier: tier, expiry: expiry)
    }

    // MARK: Standing

    @Test func standingFollowsTheWarningWindowGraceAndDowngrade() {
        let license = Self.license(), certificate = Self.certificate()
        let cases: [(at: Int64, state: LicenseStanding.State, days: Int64?, features: [String])] = [
            (Self.exp - 20 * Self.day, .active, 6, ["export", "view"]),
            (Self.exp - 14 * Self.day, .expiring, 14, ["export", "view"]),
            (Self.exp - 1, .expiring, 0, ["export", "view"]),
            (Self.exp, .expiring, 0, ["export", "view"]),
            (Self.exp + 1, .grace, 6, ["export", "view"]),
            (Self.exp + 7 * Self.day, .grace, 0, ["export", "view"]),
            (Self.exp + 7 * Self.day + 1, .downgraded, nil, ["view"]),
            (Self.exp + 900 * Self.day, .downgraded, nil, ["view"]),
        ]
        for item in cases {
            let standing = LicenseStanding(license, certificate: certificate, at: item.at)
            #expect(standing.state == item.state, "at exp\(item.at - Self.exp >= 0 ? "+" : "")\(item.at - Self.exp)")
            #expect(standing.daysLeft == item.days, "at exp\(item.at - Self.exp)")
            #expect(standing.features == item.features, "at exp\(item.at - Self.exp)")
        }
        #expect(LicenseStanding(license, certificate: certificate, at: Self.exp + 8 * Self.day).enables("export") == false)
    }

    @Test func withoutExpiryBehaviourALicenseEndsAtExpAndAPerpetualOneNever() {
        let plain = Self.license(tier: nil, expiry: nil)
        let certificate = Self.certificate()
        #expect(LicenseStanding(plain, certificate: certificate, at: Self.exp - 3 * Self.day).state == .active)
        #expect(LicenseStanding(plain, certificate: certificate, at: Self.exp - 3 * Self.day).daysLeft == 3)
        #expect(LicenseStanding(plain, certificate: certificate, at: Self.exp + 1).state == .expired)
        let locking = Self.license(expiry: ExpiryBehaviour(warnDays: 0, graceDays: 2, ending: .lock))
        #expect(LicenseStanding(locking, certificate: certificate, at: Self.exp + Self.day).state == .grace)
        #expect(LicenseStanding(locking, certificate: certificate, at: Self.exp + 2 * Self.day + 1).state == .expired)
        #expect(LicenseStanding.lockTime(of: locking) == Self.exp + 2 * Self.day)
        let perpetual = Self.license(tier: nil, exp: nil, expiry: nil)
        let standing = LicenseStanding(perpetual, certificate: certificate, at: Self.exp + 900 * Self.day)
        #expect(standing.state == .active && standing.daysLeft == nil && standing.changesAt == nil)
    }

    /// The verifier refuses a locked license once its grace period and the clock skew are over,
    /// and inside the skew reports it as it stood at the end.
    @Test func theVerifierRefusesAfterGraceWithLockAndReportsTheStanding() throws {
        let root = try Ed25519PrivateKey(seed: SHA256Digest.hash(Array("tier tests root".utf8)))
        let agent = try Ed25519PrivateKey(seed: SHA256Digest.hash(Array("tier tests agent".utf8)))
        var certificate = Self.certificate()
        certificate.iss = root.publicKey.thumbprint
        certificate.subKey = Base64URL.encode(agent.publicKey.rawRepresentation)
        let signedCertificate = try SignedCertificate.sign(certificate, with: root)
        func file(_ expiry: ExpiryBehaviour) throws -> LicenseFile {
            var license = Self.license(expiry: expiry)
            license.iss = agent.publicKey.thumbprint
            license.cert = signedCertificate.hash
            return LicenseFile(chain: [signedCertificate.compact], license: try SignedLicense.sign(license, with: agent).compact)
        }
        let verifier = LicenseVerifier(anchor: TrustAnchor(publicKey: root.publicKey))
        let locking = try file(ExpiryBehaviour(warnDays: 3, graceDays: 5, ending: .lock))
        let graceEnd = Self.exp + 5 * Self.day
        #expect(try verifier.verify(locking, at: Self.exp + Self.day).standing.state == .grace)
        let inSkew = try verifier.verify(locking, at: graceEnd + 200).standing
        #expect(inSkew.state == .grace && inSkew.daysLeft == 0)
        let error = #expect(throws: VerificationError.self) { try verifier.verify(locking, at: graceEnd + 301) }
        #expect(error?.rule == .expired)
        let downgrading = try file(ExpiryBehaviour(warnDays: 3, graceDays: 5, ending: .downgrade(tier: "basic")))
        let late = try verifier.verify(downgrading, at: graceEnd + 400 * Self.day).standing
        #expect(late.state == .downgraded && late.features == ["view"])
    }

    // MARK: Rules

    @Test func aCertificateTierOutsideItsProductIsRefused() {
        var extraFeature = Self.certificate()
        extraFeature.tiers?["cad"]?["pro"] = ["export", "simulate"]
        #expect(Thrown.rule { () throws(VerificationError) in try extraFeature.validateFields(object: "certificate") } == .tierOutsideProduct)
        let otherProduct = Self.certificate(tiers: ["cam": ["basic": ["view"]]])
        #expect(Thrown.rule { () throws(VerificationError) in try otherProduct.validateFields(object: "certificate") } == .tierOutsideProduct)
        #expect(Thrown.rule { () throws(VerificationError) in try Self.certificate().validateFields(object: "certificate") } == nil)
        let emptyName = Self.certificate(tiers: ["cad": ["": ["view"]]])
        #expect(Thrown.rule { () throws(VerificationError) in try emptyName.validateFields(object: "certificate") } == .invalidField)
        let noTiers = Self.certificate(tiers: ["cad": [:]])
        #expect(Thrown.rule { () throws(VerificationError) in try noTiers.validateFields(object: "certificate") } == .invalidField)
    }

    @Test func aChildsTiersLieWithinItsParents() {
        let parent = Self.certificate()
        var child = Self.certificate()
        child.depth = 0
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: parent, object: "child") } == nil)
        child.tiers = ["cad": ["pro": ["view"]]]
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: parent, object: "child") } == nil)
        child.tiers = ["cad": ["pro": ["export", "render", "view"]]]
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: parent, object: "child") } == .tiersWidened)
        child.tiers = ["cad": ["enterprise": ["view"]]]
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: parent, object: "child") } == .tiersWidened)
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: Self.certificate(tiers: nil), object: "child") } == .tiersWidened)
    }

    @Test func aLicensesTierAndDowngradeTierMustBeInItsCertificate() {
        let certificate = Self.certificate()
        #expect(Thrown.rule { () throws(VerificationError) in try LicenseRules.check(Self.license(), within: certificate) } == nil)
        #expect(Thrown.rule { () throws(VerificationError) in try LicenseRules.check(Self.license(tier: "gold"), within: certificate) } == .tierNotAllowed)
        #expect(Thrown.rule { () throws(VerificationError) in
            try LicenseRules.check(Self.license(tier: "basic"), within: certificate)
        } == .tierMismatch)
        let missing = ExpiryBehaviour(warnDays: 1, graceDays: 1, ending: .downgrade(tier: "viewer"))
        #expect(Thrown.rule { () throws(VerificationError) in
            try LicenseRules.check(Self.license(expiry: missing), within: certificate)
        } == .downgradeTierNotAllowed)
        #expect(Thrown.rule { () throws(VerificationError) in
            try LicenseRules.check(Self.license(tier: nil, expiry: nil), within: Self.certificate(tiers: nil))
        } == nil)
    }

    @Test func badExpiryFieldsAreRefusedNamingTheField() {
        func reason(_ license: License) -> (VerificationError.Rule, String)? {
            do throws(VerificationError) {
                try license.validateFields(object: "license")
                return nil
            } catch {
                return (error.rule, error.reason)
            }
        }
        var negative = ExpiryBehaviour(warnDays: -1, graceDays: 0, ending: .lock)
        #expect(reason(Self.license(expiry: negative))?.0 == .invalidField)
        #expect(reason(Self.license(expiry: negative))?.1.contains("warn_days") == true)
        negative = ExpiryBehaviour(warnDays: 0, graceDays: ExpiryBehaviour.maxDays + 1, ending: .lock)
        #expect(reason(Self.license(expiry: negative))?.1.contains("grace_days") == true)
        var unknown = ExpiryBehaviour(warnDays: 1, graceDays: 1, ending: .lock)
        unknown.then = "pause"
        #expect(reason(Self.license(expiry: unknown))?.1.contains("expiry.then") == true)
        var untiered = ExpiryBehaviour(warnDays: 1, graceDays: 1, ending: .lock)
        untiered.then = ExpiryBehaviour.downgradeWord
        #expect(reason(Self.license(expiry: untiered))?.1.contains("expiry.tier") == true)
        var lockWithTier = ExpiryBehaviour(warnDays: 1, graceDays: 1, ending: .lock)
        lockWithTier.tier = "basic"
        #expect(reason(Self.license(expiry: lockWithTier))?.1.contains("expiry.tier") == true)
        let perpetual = Self.license(exp: nil, expiry: ExpiryBehaviour(warnDays: 1, graceDays: 1, ending: .lock))
        #expect(reason(perpetual)?.0 == .invalidField)
        #expect(reason(perpetual)?.1.contains("needs exp") == true)
        #expect(reason(Self.license(tier: ""))?.1.contains("tier") == true)
        #expect(reason(Self.license()) == nil)
    }

    /// The new fields go through canonical JSON and back, and signing refuses bad ones.
    @Test func tierAndExpiryRoundTripAndSigningChecksThem() throws {
        let license = Self.license()
        let bytes = try CanonicalJSON.encode(license)
        #expect(License.read(canonicalJSON: bytes) == license)
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""expiry":{"grace_days":7,"then":"downgrade","tier":"basic","warn_days":14}"#))
        let key = try Ed25519PrivateKey(seed: SHA256Digest.hash(Array("tier tests agent".utf8)))
        var bad = license
        bad.expiry?.graceDays = -3
        #expect(throws: VerificationError.self) { try SignedLicense.sign(bad, with: key) }
        let unchecked = try SignedLicense.signUnchecked(bad, with: key)
        let parsed = #expect(throws: VerificationError.self) { try SignedLicense(compact: unchecked.compact) }
        #expect(parsed?.rule == .invalidField)
    }
}
