import Testing
import TollgateAPI
import TollgateWire

/// A parent too slow to answer a push in time gets smaller pushes, so any backlog still drains.
@Suite struct PushPaceTests {
    @Test func anUnansweredPushHalvesTheCeilingAndAFinishedRoundGrowsItBack() {
        var pace = PushPace()
        pace.roundEnded(in: .push, failure: SyncError(.unreachable, "timed out"))
        #expect(pace.ceiling == PushBudget(bytes: PushBudget.standard.bytes / 2, entries: PushBudget.standard.entries / 2))
        pace.roundEnded(in: .push, failure: nil)
        #expect(pace.ceiling == .standard)
        pace.roundEnded(in: .push, failure: nil)
        #expect(pace.ceiling == .standard, "never above the standard budget")
    }

    @Test func onlyAnUnansweredPushSlowsThePace() {
        var pace = PushPace()
        pace.roundEnded(in: .pull, failure: SyncError(.unreachable, "the pull timed out"))
        pace.roundEnded(in: .push, failure: SyncError(.refused, "the parent refused", status: 403))
        pace.roundEnded(in: .push, failure: SyncError(.logRefused, "forked"))
        #expect(pace.ceiling == .standard)
    }

    @Test func theCeilingNeverFallsBelowTheSmallestBudget() {
        var pace = PushPace()
        for _ in 0..<40 { pace.roundEnded(in: .push, failure: SyncError(.unreachable, "timed out")) }
        #expect(pace.ceiling == .smallest)
    }

    @Test func aRoundAfterAnUnansweredPushSendsSmallerPushesAndDrains() throws {
        let channel = try SegmentedSyncTests.backlog(60)
        let link = SyncLink(child: channel.regional, parent: channel.general)
        var pace = PushPace(ceiling: PushBudget(bytes: PushBudget.standard.bytes, entries: 16))
        // The parent stores the first push but its answer never comes back in time.
        let cut = try link.drive(at: channel.now + 100, pushesAnswered: 0, answerLost: true, pushCeiling: pace.ceiling)
        #expect(cut.result == nil)
        #expect(cut.pushes.allSatisfy { $0.push.segments[0].entries.count <= 16 })
        pace.roundEnded(in: .push, failure: SyncError(.unreachable, "no answer to the push"))
        #expect(pace.ceiling.entries == 8)

        let drive = try link.drive(at: channel.now + 200, pushCeiling: pace.ceiling)
        let outcome = try #require(try drive.result?.get())
        #expect(drive.pushes.count >= 2)
        #expect(drive.pushes.allSatisfy { $0.push.segments.reduce(0) { $0 + $1.entries.count } <= 8 })
        #expect(outcome.acked[channel.regional.identity.keyID] == (try channel.regional.logSize()))
        try SegmentedSyncTests.expectMirrored(channel.regional, at: channel.general)
    }
}
