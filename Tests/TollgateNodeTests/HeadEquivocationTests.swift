import Foundation
import Testing
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A segment whose checkpoint or head contradicts a head its node signed before (a log the parent
/// was promised, not yet sent) is refused, and the parent keeps the proof: an audit finding with
/// both signed checkpoints and the consistency proof between them, which a third party re-checks
/// with nothing but the vendor's anchor. The sync error names the finding.
@Suite struct HeadEquivocationTests {
    /// A wired channel whose regional agent logged `sales` licenses, and the general's first
    /// segment of it: five entries with the head of the whole log (`sales + 1` entries).
    static func promised(_ sales: Int) throws -> (channel: Channel, regional: Descendant) {
        let channel = try Channel()
        try channel.wire()
        for index in 0..<sales {
            _ = try channel.regional.issue(channel.sale("promised-\(index)"), at: channel.now + Int64(index))
        }
        let regional = try #require(try channel.general.store.descendant(keyID: channel.regional.identity.keyID))
        let first = try channel.regional.makePush(at: channel.now + 100, budget: PushBudget(bytes: 1 << 20, entries: 5))
        #expect(first.segments[0].head != nil)
        #expect(try channel.general.receivePush(first, from: regional, at: channel.now + 100).refused.isEmpty)
        return (channel, regional)
    }

    /// The regional's log with the license at `index` signed again for another customer: the same
    /// key, a rewritten history, every entry still signed by the node.
    static func fork(of channel: Channel, at index: UInt64) throws -> LicensingNode {
        let original = try channel.regional.logEntries(in: index..<(index + 1))[0]
        var license = try SignedLicense(compact: String(decoding: original.bytes, as: UTF8.self)).payload
        license.customer = "rewritten"
        let rewritten = try SignedLicense.sign(license, with: channel.regional.identity.key)
        return try CheatingNode(node: channel.regional).fork(replacing: index, with: Array(rewritten.compact.utf8))
    }

    /// The one finding the general holds: a log equivocation naming the regional that the
    /// third-party check accepts, and that fails it with the smaller checkpoint's own root.
    static func expectProvenFinding(_ channel: Channel) throws -> AuditFinding {
        let findings = try channel.general.findings()
        #expect(findings.count == 1, "\(findings.map(\.summary))")
        let finding = try #require(findings.first)
        #expect(finding.kind == .logEquivocation)
        #expect(finding.node == channel.regional.identity.keyID)
        #expect(finding.evidence.filter { $0.role == .checkpoint }.count == 2)
        try FindingCheck(anchor: channel.anchor).check(finding)
        // Evidence bent to say the logs agree does not hold up.
        var bent = finding
        let smaller = try SignedCheckpoint(verifying: bent.evidence[0].object, name: "tollgate.dev/node/\(finding.node)",
                                           publicKey: channel.regional.identity.key.publicKey)
        let index = try #require(bent.evidence.firstIndex { $0.role == .consistency })
        bent.evidence[index].object = Base64URL.encode(smaller.checkpoint.rootHash)
        #expect(throws: (any Error).self) { try FindingCheck(anchor: channel.anchor).check(bent) }
        return finding
    }

    @Test func entriesThatContradictAPromisedHeadAreRefusedAndReported() throws {
        let (channel, regional) = try Self.promised(20)
        for index in 0..<10 {
            _ = try channel.regional.issue(channel.sale("later-\(index)"), at: channel.now + 200 + Int64(index))
        }
        // Entry 15 lies beyond the five the general holds and inside the head of 21 it was promised.
        let fork = try Self.fork(of: channel, at: 15)
        let push = try fork.makePush(at: channel.now + 300, budget: .standard)
        #expect(push.segments[0].end == 31)
        let answer = try channel.general.receivePush(push, from: regional, at: channel.now + 300)
        let keyID = channel.regional.identity.keyID
        #expect(answer.refused[keyID] != nil)
        #expect(answer.acked[keyID] == 5)
        #expect(try channel.general.mirroredLogSize(of: keyID) == 5)
        let finding = try Self.expectProvenFinding(channel)
        #expect(answer.findings?[keyID] == finding.id)
        let consistency = try #require(finding.evidence.first { $0.role == .consistency })
        #expect(consistency.index == 21)
        #expect(consistency.proof?.isEmpty == false)
        // The general's own log records the finding, for its parent and the root.
        #expect(try channel.general.logEntries(in: 0..<channel.general.logSize()).contains { $0.kind == LogEntryKind.findingRecorded.rawValue })
        // The honest log still goes up, from where the general stands.
        let honest = try channel.regional.makePush(at: channel.now + 400, budget: .standard)
        #expect(try channel.general.receivePush(honest, from: regional, at: channel.now + 400).refused.isEmpty)
    }

    @Test func aSecondHeadOfTheSameSizeIsRefusedAndReported() throws {
        let (channel, regional) = try Self.promised(30)
        let fork = try Self.fork(of: channel, at: 15)
        // The fork's first segment is byte for byte the honest one; only its head differs.
        let push = try fork.makePush(at: channel.now + 200, budget: PushBudget(bytes: 1 << 20, entries: 5))
        #expect(push.segments[0].end == 5)
        let answer = try channel.general.receivePush(push, from: regional, at: channel.now + 200)
        let keyID = channel.regional.identity.keyID
        #expect(answer.refused[keyID] != nil)
        let finding = try Self.expectProvenFinding(channel)
        #expect(answer.findings?[keyID] == finding.id)
        #expect(finding.evidence.first { $0.role == .consistency }?.index == 31)
    }

    /// Through the production round and the parent's API: the child's sync error names the finding.
    @Test func theSyncErrorNamesTheFinding() throws {
        let (channel, _) = try Self.promised(20)
        let fork = try Self.fork(of: channel, at: 15)
        let result = try SyncLink(child: fork, parent: channel.general).attempt(at: channel.now + 300)
        guard case .failure(let error) = result else {
            Issue.record("the general took a log that contradicts the head it was promised")
            return
        }
        #expect(error.code == .logRefused)
        let finding = try Self.expectProvenFinding(channel)
        #expect(error.finding == finding.id)
        // Pushed again, the same proof is not recorded twice.
        _ = try SyncLink(child: fork, parent: channel.general).attempt(at: channel.now + 400)
        #expect(try channel.general.findings().count == 1)
    }
}
