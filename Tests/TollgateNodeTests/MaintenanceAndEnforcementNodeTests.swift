import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
@testable import TollgateNode
import TollgateTestSupport
import TollgateWire

/// The node's side of maintenance and the enforcement policy: issuing within the certificate,
/// lenient over-use at activation, the audit and the `piracy` report at the root, and renewing a
/// perpetual license's maintenance.
@Suite struct MaintenanceAndEnforcementNodeTests {
    static let day: Int64 = 86_400

    @Test func aLenientLicenseActivatesBeyondItsSeatsMarkedAsOverUse() throws {
        let channel = try Channel()
        try channel.wire(enforcement: ["lenient", "strict"])
        let regional = channel.regional, now = channel.now
        var sale = channel.sale("Muster GmbH", seats: 1)
        sale.enforcement = "lenient"
        let file = try regional.issue(sale, at: now)
        let license = JWS.hash(of: file.license)
        let first = try regional.handleMachineRequest(try TestMachine().request(.activate, license: license, at: now), at: now)
        let second = try regional.handleMachineRequest(try TestMachine().request(.activate, license: license, at: now + 1), at: now + 1)
        let third = try regional.handleMachineRequest(try TestMachine().request(.activate, license: license, at: now + 2), at: now + 2)
        let activations = try [first, second, third].map { try SignedActivation(compact: $0.activation) }
        #expect(activations.map(\.payload.overUse) == [nil, 1, 2])
        #expect(Set(activations.map(\.payload.serial)).count == 1)
        let verifier = LicenseVerifier(anchor: channel.anchor)
        let verified = try verifier.verify(file, at: now + 3, activation: second.activation)
        #expect(verified.overUse == 1)

        // Synced up, the root finds no cheat and reports the over-use at the regional agent.
        try SyncLink(child: regional, parent: channel.general).sync(at: now + 10)
        try SyncLink(child: channel.general, parent: channel.root).sync(at: now + 10)
        let findings = try channel.root.audit(at: now + 20)
        #expect(!findings.contains { $0.kind == .overActivation })
        let rows = try #require(try channel.root.report("piracy", at: now + 30).piracy)
        #expect(rows.map(\.lenientOverUse) == [0, 0, 2])
        #expect(rows[2].overActivationFindings == 0)
    }

    @Test func aStrictLicenseStillRefusesAndTheCertificateMustGrantLenient() throws {
        let channel = try Channel()
        try channel.wire()
        let regional = channel.regional, now = channel.now
        let license = JWS.hash(of: try regional.issue(channel.sale("Muster GmbH", seats: 1), at: now).license)
        _ = try regional.handleMachineRequest(try TestMachine().request(.activate, license: license, at: now), at: now)
        let request = try TestMachine().request(.activate, license: license, at: now + 1)
        let refused = Thrown.nodeError { () throws(NodeError) in _ = try regional.handleMachineRequest(request, at: now + 1) }
        #expect(refused?.code == .seatsInUse)

        let size = try regional.store.log.size
        var lenient = channel.sale("Lax AG")
        lenient.enforcement = "lenient"
        let notGranted = Thrown.nodeError { () throws(NodeError) in _ = try regional.issue(lenient, at: now + 2) }
        #expect(notGranted?.code == .ruleViolation && notGranted?.rule == .enforcementNotAllowed)
        #expect(try regional.store.log.size == size)
        // A child never gets lenient when its parent lacks it.
        var widened = channel.request(to: channel.regional, count: 5)
        widened.enforcement = ["lenient", "strict"]
        let delegation = Thrown.nodeError { () throws(NodeError) in _ = try channel.general.delegate(widened, at: now + 3) }
        #expect(delegation?.rule == .enforcementWidened)
    }

    @Test func maintenanceIsIssuedInsideTheCertificateAndRenewedWithItsActivation() throws {
        let channel = try Channel()
        let chain = try channel.wire()
        let regional = channel.regional, now = channel.now
        let certificateEnd = try SignedCertificate(compact: chain.chain[chain.chain.count - 1]).payload.exp
        var sale = channel.sale("Muster GmbH")
        sale.updatesUntil = certificateEnd + 1
        let outside = Thrown.nodeError { () throws(NodeError) in _ = try regional.issue(sale, at: now) }
        #expect(outside?.rule == .maintenanceOutsideCertificate)

        sale.updatesUntil = now + 100 * Self.day
        let file = try regional.issue(sale, at: now)
        let license = JWS.hash(of: file.license)
        let machine = try TestMachine()
        let receipt = try regional.handleMachineRequest(try machine.request(.activate, license: license, at: now), at: now)
        let verifier = LicenseVerifier(anchor: channel.anchor)
        let verified = try verifier.verify(file, at: now + 1, activation: receipt.activation)
        try verifier.checkRelease(now + 50 * Self.day, of: verified)
        #expect(throws: VerificationError.self) { try verifier.checkRelease(now + 101 * Self.day, of: verified) }

        let backwards = Thrown.nodeError { () throws(NodeError) in
            _ = try regional.renew(licenseHash: license, exp: now + 90 * Self.day, at: now + 2)
        }
        #expect(backwards?.code == .invalidRequest)
        let cheap = Thrown.nodeError { () throws(NodeError) in
            _ = try regional.renew(licenseHash: license, exp: now + 200 * Self.day, price: Price(currency: "EUR", amount: 1), at: now + 2)
        }
        #expect(cheap?.rule == .priceBelowFloor)
        let renewal = try regional.renew(licenseHash: license, exp: now + 200 * Self.day, price: Price(currency: "EUR", amount: 1_000), at: now + 3)
        let renewed = try verifier.verify(renewal, at: now + 4, activation: receipt.activation)
        #expect(renewed.updatesUntil == now + 200 * Self.day && renewed.license.payload.renews == license)
        #expect(renewed.license.payload.exp == nil)
        try verifier.checkRelease(now + 150 * Self.day, of: renewed)

        // A perpetual license without maintenance takes no renewal.
        let plain = JWS.hash(of: try regional.issue(channel.sale("Plain KG"), at: now + 5).license)
        let needless = Thrown.nodeError { () throws(NodeError) in _ = try regional.renew(licenseHash: plain, exp: now + 200 * Self.day, at: now + 6) }
        #expect(needless?.code == .invalidRequest)
    }

    /// The audit excuses only what the license allows: a marked over-use of a lenient license. An
    /// over-use mark on a strict license, and an unmarked second machine on a lenient one, stay
    /// over-activation findings.
    @Test func theAuditStillFindsOverActivationTheLicenseDoesNotAllow() throws {
        let channel = try Channel()
        try channel.wire(enforcement: ["lenient", "strict"])
        let regional = channel.regional, now = channel.now
        let strict = try regional.issue(channel.sale("Strict GmbH"), at: now)
        var lenientSale = channel.sale("Lenient GmbH")
        lenientSale.enforcement = "lenient"
        let lenient = try regional.issue(lenientSale, at: now)
        let cheat = CheatingNode(node: regional)
        try cheat.forgeActivation(of: strict, country: "DE", at: now + 1)
        try cheat.forgeActivation(of: strict, country: "DE", at: now + 2, overUse: 1)
        let unmarked = try cheat.forgeActivation(of: lenient, country: "DE", at: now + 1)
        try cheat.forgeActivation(of: lenient, country: "DE", at: now + 2)
        let marked = try cheat.forgeActivation(of: lenient, country: "DE", at: now + 3, overUse: 1)
        try SyncLink(child: regional, parent: channel.general).sync(at: now + 10)
        try SyncLink(child: channel.general, parent: channel.root).sync(at: now + 10)
        let overActivations = try channel.root.audit(at: now + 20).filter { $0.kind == .overActivation }
        // Strict: the marked pair. Lenient: the unmarked pair; the marked third machine is excused with both.
        #expect(overActivations.count == 2)
        #expect(overActivations.allSatisfy { $0.node == regional.identity.keyID })
        let customers = try overActivations.map { finding in
            try #require(finding.evidence.first { $0.role == .license }.map { try SignedLicense(compact: $0.object).payload.customer })
        }
        #expect(Set(customers) == ["Strict GmbH", "Lenient GmbH"])
        let check = FindingCheck(anchor: channel.anchor)
        for finding in overActivations { try check.check(finding) }
        // A finding a node below makes of the excused pair does not re-check: it would name an honest agent.
        let excused = AuditFinding(kind: .overActivation, node: regional.identity.keyID, nodeName: "ra", summary: "made up",
                                   evidence: [AuditEvidence(role: .activation, object: unmarked.compact),
                                              AuditEvidence(role: .activation, object: marked.compact),
                                              AuditEvidence(role: .license, object: lenient.license, chain: lenient.chain)],
                                   detectedAt: now + 20)
        #expect { try check.check(excused) } throws: { error in (error as? NodeError)?.code == .findingUnproven }
    }
}
