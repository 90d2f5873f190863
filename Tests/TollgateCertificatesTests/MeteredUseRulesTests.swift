import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto

/// The offline rules of metered use: a metered license's fields, its canonical form, and the usage
/// chain and allowance checks of ``UsageVerifier``, each rule by its code.
@Suite struct MeteredUseRulesTests {
    static let now: Int64 = 1_796_083_200  // 2026-12-01T00:00:00Z

    static func license(_ overage: Metering.Overage = .allow(percent: 150), allowance: Int64 = 1_000) -> License {
        License(iss: "issuer", cert: "cert", seats: SerialRange(1, 3), customer: "Zähler AG", country: "DE", territory: ["DE"], product: "cad",
                features: ["export", "render"], model: License.meteredModel, price: Price(currency: "EUR", amount: 1_000), iat: now, nbf: now,
                exp: now + 86_400 * 365, logIndex: 3, jti: "metered",
                metering: Metering(allowance: [MeteredFeature(feature: "render", units: allowance)], unitPrice: Price(currency: "EUR", amount: 2),
                                   overage: overage))
    }

    func rule(_ body: () throws -> Void) -> VerificationError.Rule? {
        do {
            try body()
            return nil
        } catch let error as VerificationError {
            return error.rule
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func aMeteredLicenseWritesAndReadsItsCanonicalForm() throws {
        for overage in [Metering.Overage.refuse, .allow(percent: 125), .allow(percent: 200), .bill] {
            let license = Self.license(overage)
            var json = CanonicalJSONWriter()
            license.write(to: &json)
            #expect(json.bytes == (try CanonicalJSON.encodeThroughCodable(license)))
            #expect(License.read(canonicalJSON: json.bytes) == license)
            let key = try Ed25519PrivateKey()
            var signed = license
            signed.iss = key.publicKey.thumbprint
            #expect(try SignedLicense(compact: SignedLicense.sign(signed, with: key).compact).payload.metering == license.metering)
        }
    }

    @Test func meteringFieldsAreCheckedEachWithAClearError() {
        var license = Self.license()
        #expect(rule { try license.validateFields(object: "license") } == nil)
        let cases: [(String, (inout License) -> Void)] = [
            ("metered without metering", { $0.metering = nil }),
            ("metering on a perpetual license", { $0.model = "perpetual"; $0.exp = nil }),
            ("a period other than month", { $0.metering?.period = "week" }),
            ("a feature the license lacks", { $0.metering?.allowance = [MeteredFeature(feature: "simulate", units: 1)] }),
            ("a feature twice", { $0.metering?.allowance = [MeteredFeature(feature: "render", units: 1), MeteredFeature(feature: "render", units: 2)] }),
            ("a negative allowance", { $0.metering?.allowance = [MeteredFeature(feature: "render", units: -1)] }),
            ("a unit price in another currency", { $0.metering?.unitPrice = Price(currency: "USD", amount: 2) }),
            ("allow without a ceiling", { $0.metering?.ceilingPercent = nil }),
            ("allow at 300 percent", { $0.metering?.ceilingPercent = 300 }),
            ("refuse with a ceiling", { $0.metering?.overage = "refuse"; $0.metering?.ceilingPercent = 150 }),
            ("an unknown overage rule", { $0.metering?.overage = "maybe" }),
        ]
        for (name, edit) in cases {
            license = Self.license()
            edit(&license)
            #expect(rule { try license.validateFields(object: "license") } == .invalidField, "\(name)")
        }
    }

    @Test func ceilingsFollowTheOverageRule() {
        #expect(Self.license(.refuse).metering?.ceiling(of: "render") == 1_000)
        #expect(Self.license(.allow(percent: 125)).metering?.ceiling(of: "render") == 1_250)
        #expect(Self.license(.allow(percent: 150)).metering?.overageText == "allow:1.5")
        #expect(Self.license(.allow(percent: 125)).metering?.overageText == "allow:1.25")
        #expect(Self.license(.allow(percent: 200)).metering?.overageText == "allow:2")
        #expect(Self.license(.bill).metering?.ceiling(of: "render") == nil)
        #expect(Self.license(.bill).metering?.ceiling(of: "export") == nil)
    }

    @Test func theAllowanceRefusesOnlyWhereTheRuleSays() throws {
        let refuse = Self.license(.refuse)
        #expect(try UsageVerifier.checkAllowance(refuse, feature: "render", used: 900, adding: 100) == 0)
        #expect(rule { try UsageVerifier.checkAllowance(refuse, feature: "render", used: 900, adding: 101) } == .usageBeyondAllowance)
        let allow = Self.license(.allow(percent: 150))
        #expect(try UsageVerifier.checkAllowance(allow, feature: "render", used: 900, adding: 600) == 500)
        #expect(try UsageVerifier.checkAllowance(allow, feature: "render", used: 1_200, adding: 100) == 100)
        #expect(rule { try UsageVerifier.checkAllowance(allow, feature: "render", used: 1_400, adding: 101) } == .usageBeyondAllowance)
        let bill = Self.license(.bill)
        #expect(try UsageVerifier.checkAllowance(bill, feature: "render", used: 5_000, adding: 7) == 7)
        #expect(rule { try UsageVerifier.checkAllowance(bill, feature: "export", used: 0, adding: 1) } == .notMetered)
        var plain = Self.license()
        plain.model = "subscription"
        plain.metering = nil
        #expect(rule { try UsageVerifier.checkAllowance(plain, feature: "render", used: 0, adding: 1) } == .notMetered)
        #expect(rule { try UsageVerifier.checkAllowance(refuse, feature: "render", used: .max, adding: 1) } == .usageBeyondAllowance)
    }

    @Test func aRecordMustExtendItsChainSignedByItsMachine() throws {
        let machine = try Ed25519PrivateKey(), other = try Ed25519PrivateKey()
        let machineKey = Base64URL.encode(machine.publicKey.rawRepresentation)
        let activation = Activation(iss: "issuer", license: "lineage", serial: 1, machineKey: machineKey, fingerprint: "f", platform: "linux",
                                    country: "DE", iat: Self.now, exp: nil, kind: .standard, jti: "a")
        func record(seq: UInt64, prev: String, license: String = "lineage", key: Ed25519PrivateKey? = nil, names: String? = nil) throws -> SignedUsageRecord {
            let payload = UsageRecord(license: license, machineKey: names ?? machineKey, seq: seq, prev: prev, feature: "render", units: 3, iat: Self.now)
            return try SignedUsageRecord.sign(payload, with: key ?? machine)
        }
        let genesis = UsageVerifier.Head.genesis(activation: "activation-hash")
        let first = try record(seq: 1, prev: "activation-hash")
        #expect(rule { try UsageVerifier.checkLink(first, after: genesis, activation: activation) } == nil)
        let head = UsageVerifier.Head(seq: 1, hash: first.hash)
        #expect(rule { try UsageVerifier.checkLink(try record(seq: 2, prev: first.hash), after: head, activation: activation) } == nil)
        #expect(rule { try UsageVerifier.checkLink(try record(seq: 3, prev: first.hash), after: head, activation: activation) } == .usageOutOfSequence)
        #expect(rule { try UsageVerifier.checkLink(try record(seq: 2, prev: "another"), after: head, activation: activation) } == .usageOutOfSequence)
        #expect(rule { try UsageVerifier.checkLink(try record(seq: 1, prev: "activation-hash"), after: head, activation: activation) } == .usageOutOfSequence)
        #expect(rule { try UsageVerifier.checkLink(try record(seq: 2, prev: first.hash, license: "other"), after: head, activation: activation) } == .usageMismatch)
        let otherKey = Base64URL.encode(other.publicKey.rawRepresentation)
        #expect(rule { try UsageVerifier.checkLink(try record(seq: 2, prev: first.hash, key: other, names: otherKey), after: head, activation: activation) }
                == .usageMismatch)
        #expect(rule { try UsageVerifier.checkLink(try record(seq: 2, prev: first.hash, key: other), after: head, activation: activation) } == .badSignature)
    }

    @Test func recordFieldsAreChecked() throws {
        let key = try Ed25519PrivateKey()
        let good = UsageRecord(license: "l", machineKey: "k", seq: 1, prev: "p", feature: "render", units: 1, iat: Self.now)
        #expect(good.period == "2026-12")
        #expect(rule { try good.validateFields(object: "usage record") } == nil)
        var wrongMonth = good
        wrongMonth.period = "2026-11"
        var noUnits = good
        noUnits.units = 0
        var seqZero = good
        seqZero.seq = 0
        for bad in [wrongMonth, noUnits, seqZero] {
            #expect(rule { try bad.validateFields(object: "usage record") } == .invalidField)
            #expect(throws: VerificationError.self) { try SignedUsageRecord.sign(bad, with: key) }
        }
        #expect(MonthPeriod.of(Self.now - 1) == "2026-11")
        #expect(MonthPeriod.isValid("2026-12") && !MonthPeriod.isValid("2026-13") && !MonthPeriod.isValid("2026-1") && !MonthPeriod.isValid("x026-01"))
    }
}
