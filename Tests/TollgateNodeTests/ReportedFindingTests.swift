import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode

/// Findings made below the root travel up in the finder's log and are adopted by the root's audit
/// only when their evidence re-checks.
@Suite struct ReportedFindingTests {
    typealias Tree = SyncAndAuditTests.Tree

    /// The regional agent forks its log; the general agent refuses the fork and finds the equivocation.
    func equivocationAtGeneral(_ tree: Tree, at now: Int64) throws -> AuditFinding {
        let sold = try tree.channel.regional.issue(tree.channel.sale("to be hidden"), at: now)
        try tree.syncAll(at: now + 60)
        let index = try SignedLicense(compact: sold.license).payload.logIndex
        let forked = try CheatingNode(node: tree.channel.regional).fork(replacing: index, with: Array("nothing to see".utf8), at: now + 120)
        let link = SyncLink(child: forked, parent: tree.channel.general)
        #expect(try link.attempt(at: now + 180).logRefused)
        _ = try link.attempt(at: now + 240)
        return try #require(try tree.channel.general.findings().first { $0.kind == .logEquivocation })
    }

    @Test func equivocationFoundAtTheGeneralAgentReachesTheRootsAudit() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let atGeneral = try equivocationAtGeneral(tree, at: now)
        let entries = try tree.channel.general.store.log.entries(in: 0..<tree.channel.general.store.log.size)
        #expect(entries.filter { $0.kind == "finding-recorded" }.count == 1)
        // Before the general agent syncs, the root knows nothing.
        #expect(try tree.channel.root.audit(at: now + 250).isEmpty)
        try tree.generalLink.sync(at: now + 300)
        let atRoot = try tree.channel.root.audit(at: now + 360)
        #expect(atRoot.map(\.kind) == [.logEquivocation])
        let finding = try #require(atRoot.first)
        #expect(finding.node == tree.channel.regional.identity.keyID)
        #expect(finding.evidence == atGeneral.evidence)
        #expect(finding.id == atGeneral.id)
        try FindingCheck(anchor: tree.channel.anchor).check(finding)
        // Auditing again adopts nothing new.
        #expect(try tree.channel.root.audit(at: now + 420).count == 1)
    }

    @Test func aReportedFindingWhoseEvidenceDoesNotHoldIsNotAdopted() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let real = try equivocationAtGeneral(tree, at: now)
        // The general agent also logs findings that do not hold: the equivocation with one entry
        // swapped for other bytes, and an over-activation with no evidence at all.
        var tampered = AuditFinding(kind: .logEquivocation, node: tree.channel.regional.identity.keyID, nodeName: "ra", summary: "made up",
                                    evidence: real.evidence, detectedAt: now + 250)
        tampered.evidence[1].object = Base64URL.encode(Array("something else".utf8))
        let empty = AuditFinding(kind: .overActivation, node: tree.channel.regional.identity.keyID, nodeName: "ra", summary: "made up",
                                 evidence: [], detectedAt: now + 250)
        let cheat = CheatingNode(node: tree.channel.general)
        try cheat.recordFinding(tampered, at: now + 250)
        try cheat.recordFinding(empty, at: now + 250)
        try tree.generalLink.sync(at: now + 300)
        let atRoot = try tree.channel.root.audit(at: now + 360)
        #expect(atRoot.map(\.kind) == [.logEquivocation])
        #expect(atRoot.first?.evidence == real.evidence)
    }

    @Test func findingEntriesRoundTrip() throws {
        let tree = try Tree()
        let finding = try equivocationAtGeneral(tree, at: tree.channel.now)
        let decoded = try AuditFinding(logEntry: try finding.logEntry())
        #expect(decoded == finding)
        #expect(throws: (any Error).self) { try AuditFinding(logEntry: Array("{}".utf8)) }
    }
}
