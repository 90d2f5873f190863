import Foundation
import Testing
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A backlog longer than one push goes up in bounded segments, through the production round
/// (``SyncLink``) with the parent limiting push bodies as `node serve --max-body` does: every push
/// within the limit, each acknowledged before the next, a round cut off anywhere resumed from what
/// was acknowledged, relays cut at sizes their node signed, pulls in pages.
@Suite struct SegmentedSyncTests {
    /// The parent's body limit: the smallest budget a child keeps to, about ten license entries a push.
    static let limit = PushBudget.smallest.bytes

    /// A wired channel whose regional agent sold `sales` licenses, one a second from `channel.now`.
    static func backlog(_ sales: Int = 60) throws -> Channel {
        let channel = try Channel()
        try channel.wire()
        for index in 0..<sales {
            _ = try channel.regional.issue(channel.sale("backlog-\(index)"), at: channel.now + Int64(index))
        }
        return channel
    }

    /// The parent's copy of `child`'s log is the child's log, entry for entry.
    static func expectMirrored(_ child: LicensingNode, at parent: LicensingNode, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let size = try child.logSize()
        #expect(try parent.mirroredLogSize(of: child.identity.keyID) == size, sourceLocation: sourceLocation)
        #expect(try parent.mirroredEntries(of: child.identity.keyID, in: 0..<size).map(\.bytes) == child.logEntries(in: 0..<size).map(\.bytes),
                sourceLocation: sourceLocation)
    }

    @Test func aBacklogAboveTheBudgetGoesUpInSeveralBoundedPushes() throws {
        let channel = try Self.backlog()
        let link = SyncLink(child: channel.regional, parent: channel.general)
        let drive = try link.drive(at: channel.now + 100, maxBodySize: Self.limit)
        let outcome = try #require(try drive.result?.get())
        let own = drive.pushes.map { $0.push.segments[0] }
        #expect(own.count >= 4, "\(own.count) pushes")
        #expect(outcome.pushes == own.count)
        #expect(drive.pushes.allSatisfy { $0.bytes <= Self.limit })
        // Each push starts where the one before ended; every segment but the last carries the head.
        for (earlier, later) in zip(own, own.dropFirst()) { #expect(later.from == earlier.end) }
        #expect(own.dropLast().allSatisfy { $0.head != nil })
        #expect(own.last?.head == nil)
        #expect(outcome.acked[channel.regional.identity.keyID] == (try channel.regional.logSize()))
        try Self.expectMirrored(channel.regional, at: channel.general)
        #expect(try channel.regional.lastParentContact() == channel.now + 100)
        let findings = try channel.general.audit(at: channel.now + 200)
        #expect(findings.map(\.summary) == [])
    }

    @Test func aRoundCutOffAfterTwoPushesResumesFromTheAcknowledgedSize() throws {
        let channel = try Self.backlog()
        let link = SyncLink(child: channel.regional, parent: channel.general)
        let cut = try link.drive(at: channel.now + 100, maxBodySize: Self.limit, pushesAnswered: 2)
        #expect(cut.result == nil)
        let held = try channel.general.mirroredLogSize(of: channel.regional.identity.keyID)
        #expect(held == cut.pushes[1].push.segments[0].end)
        #expect(held < (try channel.regional.logSize()))
        let resumed = try link.drive(at: channel.now + 160, maxBodySize: Self.limit)
        _ = try #require(try resumed.result?.get())
        #expect(resumed.pushes.first?.push.segments[0].from == held)
        try Self.expectMirrored(channel.regional, at: channel.general)
        #expect(try channel.general.audit(at: channel.now + 200).isEmpty)
    }

    /// The parent stored a push whose answer never reached the child: the next round sends that one
    /// segment again, which changes nothing, and goes on from there.
    @Test func aLostAnswerCostsOneSegmentAgainAndStoresNothingTwice() throws {
        let channel = try Self.backlog()
        let link = SyncLink(child: channel.regional, parent: channel.general)
        let cut = try link.drive(at: channel.now + 100, maxBodySize: Self.limit, pushesAnswered: 1, answerLost: true)
        #expect(cut.pushes.count == 2)
        let lost = cut.pushes[1].push.segments[0]
        #expect(try channel.general.mirroredLogSize(of: channel.regional.identity.keyID) == lost.end)
        let resumed = try link.drive(at: channel.now + 160, maxBodySize: Self.limit)
        _ = try #require(try resumed.result?.get())
        #expect(resumed.pushes.first?.push.segments[0].from == lost.from)
        #expect(resumed.pushes.dropFirst().first?.push.segments[0].from == lost.end)
        try Self.expectMirrored(channel.regional, at: channel.general)
        #expect(try channel.general.audit(at: channel.now + 200).isEmpty)
    }

    @Test func aGeneralAgentRelaysInSegmentsEndingWhereTheRegionalSigned() throws {
        let channel = try Self.backlog()
        _ = try SyncLink(child: channel.regional, parent: channel.general).drive(at: channel.now + 100, maxBodySize: Self.limit).result?.get()
        for index in 0..<20 {
            _ = try channel.general.issue(channel.sale("general-\(index)"), at: channel.now + 110 + Int64(index))
        }
        let drive = try SyncLink(child: channel.general, parent: channel.root).drive(at: channel.now + 200, maxBodySize: Self.limit)
        let outcome = try #require(try drive.result?.get())
        #expect(outcome.refused.isEmpty)
        #expect(drive.pushes.allSatisfy { $0.bytes <= Self.limit })
        let relayed = drive.pushes.flatMap(\.push.segments).filter { $0.node == channel.regional.identity.keyID }
        #expect(relayed.count >= 2, "the regional log went up in \(relayed.count) relayed segments")
        let origin = "tollgate.dev/node/\(channel.regional.identity.keyID)"
        for segment in relayed {
            let checkpoint = try SignedCheckpoint(verifying: segment.checkpoint, name: origin, publicKey: channel.regional.identity.key.publicKey)
            #expect(checkpoint.checkpoint.size == segment.end)
            #expect(segment.head == nil)
        }
        for (earlier, later) in zip(relayed, relayed.dropFirst()) { #expect(later.from == earlier.end) }
        try Self.expectMirrored(channel.general, at: channel.root)
        try Self.expectMirrored(channel.regional, at: channel.root)
        let findings = try channel.root.audit(at: channel.now + 300)
        #expect(findings.map(\.summary) == [])
    }

    /// A relayed log whose node the parent learns only from a later segment of the same round (a
    /// delegation beyond where the first push cut the relaying node's log) is refused by the first
    /// push and taken by a later one; the round's outcome reports it taken, not refused.
    @Test func aRelayRefusedByAnEarlyPushIsTakenByALaterOne() throws {
        let channel = try Channel()
        try channel.wire()
        let local = LicensingNode(identity: NodeIdentity(name: "la", key: try Ed25519PrivateKey(), anchor: channel.anchor),
                                  store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        // The general keeps the regional's checkpoint at size 1, then at its end: the relay's only cuts.
        try SyncLink(child: channel.regional, parent: channel.general).sync(at: channel.now + 10)
        for index in 0..<6 {
            _ = try channel.regional.issue(channel.sale("before-delegating-\(index)"), at: channel.now + 20 + Int64(index))
        }
        var toLocal = channel.request(to: local, count: 5)
        toLocal.countries = ["DE"]
        try local.accept(chain: channel.regional.delegate(toLocal, at: channel.now + 30).chain, at: channel.now + 30)
        try SyncLink(child: local, parent: channel.regional).sync(at: channel.now + 40)
        try SyncLink(child: channel.regional, parent: channel.general).sync(at: channel.now + 50)

        let drive = try SyncLink(child: channel.general, parent: channel.root).drive(at: channel.now + 60, maxBodySize: Self.limit)
        let outcome = try #require(try drive.result?.get())
        let localKey = local.identity.keyID
        // The first push cut the regional's log at size 1, before its delegation to the local agent,
        // and carried the local agent's log too: unknown to the root then, so refused.
        let first = try #require(drive.pushes.first?.push)
        #expect(first.segments.first { $0.node == channel.regional.identity.keyID }?.end == 1)
        #expect(first.segments.contains { $0.node == localKey })
        #expect(drive.answers.first?.refused[localKey] != nil)
        // A later push of the same round carried it again, once the root knew the node.
        #expect(drive.pushes.count >= 2)
        #expect(drive.answers.last?.refused[localKey] == nil)
        #expect(outcome.refused.isEmpty, "\(outcome.refused)")
        #expect(outcome.acked[localKey] == (try local.logSize()))
        try Self.expectMirrored(local, at: channel.root)
        try Self.expectMirrored(channel.regional, at: channel.root)
    }

    /// Sales made long before the backlog goes up are in the head the parent witnesses with the first
    /// segment, so none looks backdated against a witness of a segment that ended before them.
    @Test func aBacklogOlderThanTheBackdatingToleranceAuditsClean() throws {
        let channel = try Self.backlog()
        let later = channel.now + 2 * 3_600
        _ = try SyncLink(child: channel.regional, parent: channel.general).drive(at: later, maxBodySize: Self.limit).result?.get()
        _ = try SyncLink(child: channel.general, parent: channel.root).drive(at: later + 60, maxBodySize: Self.limit).result?.get()
        try Self.expectMirrored(channel.regional, at: channel.root)
        let atGeneral = try channel.general.audit(at: later + 120)
        #expect(atGeneral.map(\.summary) == [])
        let atRoot = try channel.root.audit(at: later + 120)
        #expect(atRoot.map(\.summary) == [])
    }

    /// A head whose proof does not tie it to the segment's checkpoint is refused with the segment.
    @Test func aHeadNotProvenToExtendTheSegmentIsRefused() throws {
        let channel = try Self.backlog(30)
        let regional = try #require(try channel.general.store.descendant(keyID: channel.regional.identity.keyID))
        let first = try channel.regional.makePush(at: channel.now + 100, budget: PushBudget(bytes: 1 << 20, entries: 5))
        #expect(first.segments[0].head != nil)
        #expect(try channel.general.receivePush(first, from: regional, at: channel.now + 100).refused.isEmpty)
        // A forged head: a checkpoint the regional signed of a shorter log, claimed as its head.
        var forged = try channel.regional.makePush(at: channel.now + 101, budget: PushBudget(bytes: 1 << 20, entries: 5))
        #expect(forged.segments[0].from == 0)  // the first answer was not recorded: the same segment again
        forged.segments[0].headProof = ["AAAA"]
        let answer = try channel.general.receivePush(forged, from: regional, at: channel.now + 101)
        #expect(answer.refused[channel.regional.identity.keyID] != nil)
    }

    @Test func aPullOfManyObjectsComesInPages() throws {
        let channel = try Channel()
        try channel.wire()
        let held = try #require(try channel.general.heldCertificates().first)
        let seats = held.payload.seats
        for serial in (seats.end - 300)..<seats.end {
            _ = try channel.general.returnQuota(SerialRange(serial, serial + 1), certificateHash: held.hash, at: channel.now)
        }
        let link = SyncLink(child: channel.general, parent: channel.root)
        try link.sync(at: channel.now + 10)  // the push carries the returns; the root takes them in
        let general = try #require(try channel.root.store.descendant(keyID: channel.general.identity.keyID))
        let first = try channel.root.answerPull(for: general, at: channel.now + 20)
        #expect(first.certificates.count + first.returns.count == PullResponse.maxObjects)
        let next = try #require(first.next)
        let second = try channel.root.answerPull(for: general, from: next, at: channel.now + 20)
        #expect(second.next == nil)
        #expect(Set(first.returns + second.returns).count == 300)
        let outcome = try link.sync(at: channel.now + 30)
        #expect(outcome.pull.returns.count == 300)
        #expect(outcome.pull.certificates.count == 1)
    }

    /// A child that applied one page of a pull and restarted before the next pulls on from the
    /// cursor it saved with that page, not from 0; and what the page applied is kept.
    @Test func aRestartMidPullResumesFromTheSavedCursor() throws {
        let directory = try TemporaryDirectory("pull-cursor")
        let path = directory.path("general.sqlite")
        let channel = try Channel(generalPath: path)
        try channel.wire()
        let held = try #require(try channel.general.heldCertificates().first)
        for serial in (held.payload.seats.end - 300)..<held.payload.seats.end {
            _ = try channel.general.returnQuota(SerialRange(serial, serial + 1), certificateHash: held.hash, at: channel.now)
        }
        try SyncLink(child: channel.general, parent: channel.root).sync(at: channel.now + 10)
        #expect(try channel.general.pullCursor() == 0)  // that round's pull came before the returns went up

        // A round that applies the first page and is cut off before asking for the second.
        let rootExecutor = NodeExecutor(node: channel.root), generalExecutor = NodeExecutor(node: channel.general)
        let at = channel.now + 20
        let api = NodeAPI(executor: rootExecutor, token: OperatorToken("not used by sync"), anchorPEM: "", nodeName: "root", clock: { at })
        var round = SyncRound(executor: generalExecutor)
        let pull = try round.start(at: channel.now + 20)
        #expect(pull.query == nil)
        let firstPage = api.handle(pull)
        let second = try #require(try firstPage.decodeJSON(PullResponse.self).next)
        guard case .send(let next) = try round.receive(firstPage, at: channel.now + 20) else {
            Issue.record("the round ended after one page of two")
            return
        }
        #expect(next.query == "from=\(second)")
        generalExecutor.stop()
        rootExecutor.stop()

        // The node restarts on the same file: the cursor is where the cut-off round would have gone on.
        let restarted = LicensingNode(identity: channel.general.identity, store: try NodeStore(database: SQLiteDatabase(path: path)))
        #expect(try restarted.pullCursor() == second)
        let drive = try SyncLink(child: restarted, parent: channel.root).drive(at: channel.now + 30)
        let outcome = try #require(try drive.result?.get())
        let firstReturns = try firstPage.decodeJSON(PullResponse.self).returns.count
        #expect(outcome.pull.returns.count == 300 - firstReturns, "the restarted round pulled from 0 again")
        #expect(outcome.pull.certificates.isEmpty)
        // The last page's start stays the cursor, so the next round reads it again with what is new.
        #expect(try restarted.pullCursor() == second)
        #expect(try restarted.heldCertificates().count == 1)
    }

    /// A page the node cannot take leaves the cursor where it was: the cursor moves only with what
    /// a page applied, in the same transaction.
    @Test func aPageThatFailsLeavesTheCursorWhereItWas() throws {
        let channel = try Channel()
        try channel.wire()
        let held = try #require(try channel.regional.heldCertificates().first)
        // A revocation of the regional's certificate signed by no ancestor of it.
        let stranger = try Ed25519PrivateKey()
        let forged = try SignedRevocation.sign(Revocation(iss: stranger.publicKey.thumbprint, cert: held.hash, effective: channel.now,
                                                          reason: "forged", iat: channel.now, jti: "forged"), with: stranger)
        let applied = PullResponse(certificates: [held.chain], revocations: [], returns: [], next: 7)
        try channel.regional.receivePull(applied, at: channel.now)
        #expect(try channel.regional.pullCursor() == 7)
        let refused = PullResponse(certificates: [], revocations: [forged.compact], returns: [], next: 12)
        #expect(throws: NodeError.self) { try channel.regional.receivePull(refused, at: channel.now) }
        #expect(try channel.regional.pullCursor() == 7)
    }
}
