import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode

@Suite struct SyncAndAuditTests {
    struct Tree {
        let channel: Channel
        let regionalLink: SyncLink
        let generalLink: SyncLink

        init() throws {
            channel = try Channel()
            try channel.wire()
            regionalLink = SyncLink(child: channel.regional, parent: channel.general)
            generalLink = SyncLink(child: channel.general, parent: channel.root)
        }

        func syncAll(at now: Int64) throws {
            try regionalLink.sync(at: now)
            try generalLink.sync(at: now)
        }
    }

    @Test func honestChannelSyncsToTheRootWithoutFindings() throws {
        let tree = try Tree()
        let now = tree.channel.now
        try tree.syncAll(at: now)
        for index in 0..<5 {
            _ = try tree.channel.regional.issue(tree.channel.sale("c\(index)", seats: 2), at: now + Int64(index) * 600)
        }
        let file = try tree.channel.regional.issue(tree.channel.sale("observed"), at: now + 4_000)
        try tree.syncAll(at: now + 5_000)
        try tree.syncAll(at: now + 5_100)  // a second round changes nothing
        // The root holds the regional log, relayed by the general agent, byte for byte.
        let regionalID = tree.channel.regional.identity.keyID
        let mirrored = try tree.channel.root.store.descendant(keyID: regionalID)
        #expect(mirrored?.subject == "ra")
        try tree.channel.root.observe(file, at: now + 5_200)
        let findings = try tree.channel.root.audit(at: now + 5_200)
        #expect(findings.isEmpty, "\(findings.map(\.summary))")
        #expect(try tree.channel.general.audit(at: now + 5_200).isEmpty)
    }

    @Test func pushIsIdempotentAndResumable() throws {
        let tree = try Tree()
        let now = tree.channel.now
        _ = try tree.channel.regional.issue(tree.channel.sale("a"), at: now)
        let descendant = try #require(try tree.channel.general.store.descendant(keyID: tree.channel.regional.identity.keyID))
        let push = try tree.channel.regional.makePush(at: now)
        let first = try tree.channel.general.receivePush(push, from: descendant, at: now)
        let again = try tree.channel.general.receivePush(push, from: descendant, at: now + 1)  // delivered twice
        #expect(first.acked == again.acked)
        #expect(again.refused.isEmpty)
        // The child never heard the answer, issues more and pushes from its old acknowledged size.
        _ = try tree.channel.regional.issue(tree.channel.sale("b"), at: now + 2)
        let second = try tree.channel.regional.makePush(at: now + 2)
        #expect(second.segments[0].from == 0)
        let response = try tree.channel.general.receivePush(second, from: descendant, at: now + 2)
        #expect(response.refused.isEmpty)
        #expect(response.acked[tree.channel.regional.identity.keyID] == (try tree.channel.regional.logSize()))
    }

    @Test func regionalKeepsSellingWhileCutOffThenRefusesOnceSyncIsOverdue() throws {
        let tree = try Tree()
        let now = tree.channel.now
        try tree.syncAll(at: now)
        // Cut off: sales go on inside sync_within (7 days by default)...
        _ = try tree.channel.regional.issue(tree.channel.sale("offline"), at: now + 3 * 86_400)
        // ...and stop after it.
        do {
            _ = try tree.channel.regional.issue(tree.channel.sale("too late"), at: now + 8 * 86_400)
            Issue.record("issued with an overdue sync")
        } catch {
            #expect(error.code == .syncOverdue)
        }
        try tree.regionalLink.sync(at: now + 8 * 86_400)
        _ = try tree.channel.regional.issue(tree.channel.sale("back online"), at: now + 8 * 86_400 + 10)
        try tree.generalLink.sync(at: now + 8 * 86_400 + 20)
        #expect(try tree.channel.root.audit(at: now + 8 * 86_400 + 30).isEmpty)
    }
}
