import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// Tiers through delegation and issuance, expiry behaviour through issuance and renewal, and the
/// audit of licenses that name tiers their certificates lack: each refusal by its code, with
/// nothing stored.
@Suite struct TierIssuanceTests {
    static let tiers = ["cad": ["basic": ["export"], "pro": ["export", "render"]]]
    static let day: Int64 = 86_400

    func subscription(_ channel: Channel, _ customer: String, tier: String? = nil, expiry: ExpiryBehaviour? = nil) -> LicenseRequest {
        var request = channel.sale(customer)
        request.model = "subscription"
        request.exp = channel.now + 30 * Self.day
        request.tier = tier
        request.expiry = expiry
        return request
    }

    /// The code, rule and log size after a refused call: the refusal must leave the log as it was.
    func refusal(_ node: LicensingNode, _ body: () throws(NodeError) -> Void) throws -> (NodeError.Code, VerificationError.Rule?) {
        let before = try node.store.log.size
        do throws(NodeError) {
            try body()
        } catch {
            #expect(try node.store.log.size == before, "a refused request changed the log")
            return (error.code, error.rule)
        }
        Issue.record("the request was not refused")
        return (.storage, nil)
    }

    @Test func delegationCarriesTiersAndTheChildInheritsThoseThatFit() throws {
        let channel = try Channel()
        let regional = try channel.wire(tiers: Self.tiers)
        let certificate = try SignedCertificate(compact: regional.chain[1]).payload
        #expect(certificate.tiers == Self.tiers)
        // A child narrowed to export only keeps the tiers inside it.
        var narrow = channel.request(to: try Channel().regional, count: 5)
        narrow.products = ["cad": ["export"]]
        let narrowed = try channel.regional.delegate(narrow, at: channel.now)
        #expect(try SignedCertificate(compact: narrowed.chain[2]).payload.tiers == ["cad": ["basic": ["export"]]])
    }

    @Test func delegationRefusesTiersOutsideTheProductOrTheParent() throws {
        let channel = try Channel()
        try channel.wire(tiers: Self.tiers)
        let child = try Channel().regional
        var outside = channel.request(to: child, count: 5)
        outside.tiers = ["cad": ["pro": ["export", "simulate"]]]
        let outsideRefusal = try refusal(channel.regional) { () throws(NodeError) in _ = try channel.regional.delegate(outside, at: channel.now) }
        #expect(outsideRefusal.0 == .ruleViolation && outsideRefusal.1 == .tierOutsideProduct)
        var widened = channel.request(to: child, count: 5)
        widened.tiers = ["cad": ["gold": ["render"]]]
        let widenedRefusal = try refusal(channel.regional) { () throws(NodeError) in _ = try channel.regional.delegate(widened, at: channel.now) }
        #expect(widenedRefusal.0 == .ruleViolation && widenedRefusal.1 == .tiersWidened)
    }

    @Test func issuingWithATierResolvesItsFeaturesAndTheStandingFollowsTheExpiry() throws {
        let channel = try Channel()
        try channel.wire(tiers: Self.tiers)
        let expiry = ExpiryBehaviour(warnDays: 7, graceDays: 5, ending: .downgrade(tier: "basic"))
        let file = try channel.regional.issue(subscription(channel, "tiered", tier: "pro", expiry: expiry), at: channel.now)
        let license = try SignedLicense(compact: file.license).payload
        #expect(license.tier == "pro" && license.features == ["export", "render"] && license.expiry == expiry)
        let verifier = LicenseVerifier(anchor: channel.anchor)
        let exp = channel.now + 30 * Self.day
        #expect(try verifier.verify(file, at: channel.now).standing.state == .active)
        #expect(try verifier.verify(file, at: exp - 2 * Self.day).standing.state == .expiring)
        #expect(try verifier.verify(file, at: exp + Self.day).standing.state == .grace)
        let downgraded = try verifier.verify(file, at: exp + 6 * Self.day).standing
        #expect(downgraded.state == .downgraded && downgraded.features == ["export"])
        // A renewal keeps the tier and the expiry behaviour.
        let renewed = try channel.regional.renew(licenseHash: JWS.hash(of: file.license), exp: exp + 365 * Self.day, at: channel.now + Self.day)
        let renewal = try SignedLicense(compact: renewed.license).payload
        #expect(renewal.tier == "pro" && renewal.expiry == expiry)
        // Tier and matching features together are one sale too.
        var both = subscription(channel, "both", tier: "basic")
        both.features = ["export"]
        #expect(try SignedLicense(compact: channel.regional.issue(both, at: channel.now).license).payload.features == ["export"])
    }

    @Test func issuingRefusesBadTiersAndExpiryAndStoresNothing() throws {
        let channel = try Channel()
        try channel.wire(tiers: Self.tiers)
        let node = channel.regional
        let unknown = try refusal(node) { () throws(NodeError) in _ = try node.issue(subscription(channel, "c", tier: "gold"), at: channel.now) }
        #expect(unknown.0 == .ruleViolation && unknown.1 == .tierNotAllowed)
        var disagreeing = subscription(channel, "c", tier: "basic")
        disagreeing.features = ["render"]
        let mismatch = try refusal(node) { () throws(NodeError) in _ = try node.issue(disagreeing, at: channel.now) }
        #expect(mismatch.0 == .ruleViolation && mismatch.1 == .tierMismatch)
        let viewer = ExpiryBehaviour(warnDays: 1, graceDays: 1, ending: .downgrade(tier: "viewer"))
        let missingTier = try refusal(node) { () throws(NodeError) in _ = try node.issue(subscription(channel, "c", expiry: viewer), at: channel.now) }
        #expect(missingTier.0 == .ruleViolation && missingTier.1 == .downgradeTierNotAllowed)
        var perpetual = channel.sale("c")
        perpetual.expiry = ExpiryBehaviour(warnDays: 1, graceDays: 1, ending: .lock)
        let noExp = try refusal(node) { () throws(NodeError) in _ = try node.issue(perpetual, at: channel.now) }
        #expect(noExp.0 == .invalidRequest && noExp.1 == .invalidField)
        let negative = ExpiryBehaviour(warnDays: -2, graceDays: 1, ending: .lock)
        let badDays = try refusal(node) { () throws(NodeError) in _ = try node.issue(subscription(channel, "c", expiry: negative), at: channel.now) }
        #expect(badDays.0 == .invalidRequest && badDays.1 == .invalidField)
        #expect(try node.issuedLicenses().isEmpty)
    }

    /// The root's audit re-checks every logged license with the license rules: a tier, or a
    /// downgrade tier, the certificate lacks is an entitlement escape.
    @Test func theAuditFindsLicensesNamingTiersTheirCertificateLacks() throws {
        let tree = try SyncAndAuditTests.Tree()
        let now = tree.channel.now
        let cheat = CheatingNode(node: tree.channel.regional)
        try cheat.forgeLicense(at: now + 60) {
            $0.customer = "gold tier"
            $0.tier = "gold"
            $0.features = ["export", "render"]
        }
        try cheat.forgeLicense(at: now + 120) {
            $0.customer = "downgrades to nothing"
            $0.seats = SerialRange($0.seats.start + 1, $0.seats.start + 2)
            $0.model = "subscription"
            $0.exp = now + 30 * Self.day
            $0.expiry = ExpiryBehaviour(warnDays: 3, graceDays: 3, ending: .downgrade(tier: "viewer"))
        }
        let findings = try PlantedCheatTests().findings(tree, at: now + 3_600)
        #expect(findings.map(\.kind) == [.entitlementEscape, .entitlementEscape], "\(findings.map(\.summary))")
        #expect(findings.contains { $0.summary.contains("tier_not_allowed") })
        #expect(findings.contains { $0.summary.contains("downgrade_tier_not_allowed") })
    }
}
