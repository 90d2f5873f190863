import Testing
import TollgateCertificates
import TollgateLedger
@testable import TollgateNode
import TollgateWire

/// The decoded objects a node keeps per log for its reports (`DecodedLogs`): a warm view reports
/// exactly what a cold one does, after new entries too, which are the only ones decoded again; a
/// log whose root changed under a copy is decoded again from its start.
@Suite struct DecodedLogTests {
    static let day: Int64 = 86_400

    /// Every report, and the console's activity, at `node`.
    static func everything(_ node: LicensingNode, at now: Int64) throws -> [ChannelReport] {
        var reports = try ChannelReport.names.map { name in
            try node.report(name, query: ReportQuery(customer: name == "customer" ? "Early" : nil), at: now)
        }
        let (several, _) = try node.reports(["quota", "freshness", "activations", "revenue", "recurring", "arr-history"], activityDays: 30, at: now)
        reports += several
        return reports
    }

    @Test func aWarmViewReportsWhatAColdOneDoesAfterAppendsToo() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now, day = Self.day
        try wide.syncAll(at: now)
        let early = try channel.regional.issue(RenewalReportTests.subscription(channel, "Early", term: 365 * day, from: now), at: now)
        try wide.activate(try SignedLicense(compact: early.license).hash, at: now)
        _ = try channel.regional.issue(channel.sale("Perpetual"), at: now)
        try wide.syncAll(at: now + 1)
        func cold(at time: Int64) throws -> [ChannelReport] {
            // A node on the same store with nothing decoded yet.
            try Self.everything(LicensingNode(identity: channel.root.identity, store: channel.root.store), at: time)
        }
        let first = try Self.everything(channel.root, at: now + 2)
        #expect(try Self.everything(channel.root, at: now + 2) == first, "read again from the kept copies")
        #expect(try cold(at: now + 2) == first)
        let mirror = "mirror:\(channel.regional.identity.keyID)"
        let decodedBefore = try #require(channel.root.context.decodedLogs.decodedSize(of: mirror))

        // New entries: a renewal, another sale and its activation, synced up to the root.
        _ = try channel.regional.renew(licenseHash: try SignedLicense(compact: early.license).hash, exp: now + 730 * day, at: now + 3)
        let later = try channel.regional.issue(RenewalReportTests.subscription(channel, "Later", term: 30 * day, currency: "CHF", from: now + 3), at: now + 3)
        try wide.activate(try SignedLicense(compact: later.license).hash, platform: "darwin-arm64", at: now + 3)
        try wide.syncAll(at: now + 4)
        let warm = try Self.everything(channel.root, at: now + 5)
        #expect(warm == (try cold(at: now + 5)))
        #expect(warm != first, "the new entries are counted")
        let decodedAfter = try #require(channel.root.context.decodedLogs.decodedSize(of: mirror))
        #expect(decodedAfter > decodedBefore)
        #expect(decodedAfter == (try channel.root.store.mirrorState(keyID: channel.regional.identity.keyID).size))
    }

    /// A copy is used only while the log's root at the copy's size is the copy's root: the same
    /// name over other entries (a rewritten log), of the same size or longer, is decoded afresh.
    @Test func aLogWhoseRootChangedIsDecodedAgain() throws {
        let logs = DecodedLogs()
        func log(_ times: [Int64]) throws -> MerkleLog {
            let log = try NodeStore(database: SQLiteDatabase(path: ":memory:")).mirrorLog(keyID: "x")
            for time in times {
                _ = try log.append(kind: LogEntryKind.checkpointWitnessed.rawValue,
                                   bytes: try WitnessRecord(node: "child", witnessedAt: time, checkpoint: "checkpoint \(time)").encoded(), at: 0)
            }
            return log
        }
        func times(_ decoded: DecodedLog) -> [Int64] { decoded.witnesses.map(\.record.witnessedAt) }
        let original = try log([1, 2, 3])
        #expect(times(try logs.decoded(original, size: 2)) == [1, 2])
        #expect(times(try logs.decoded(original, size: 3)) == [1, 2, 3], "the appended entry is decoded onto the copy")
        #expect(try logs.decoded(original, size: 3).root == (try original.rootHash()))

        let rewritten = try log([1, 5, 6])
        #expect(times(try logs.decoded(rewritten, size: 3)) == [1, 5, 6], "same name and size, another root")
        let longer = try log([7, 8, 9, 10])
        #expect(times(try logs.decoded(longer, size: 4)) == [7, 8, 9, 10], "a longer log whose prefix differs")
        #expect(times(try logs.decoded(original, size: 1)) == [1], "a shorter view than the copy")
        logs.discard()
        #expect(logs.decodedSize(of: original.name) == nil)
    }
}
