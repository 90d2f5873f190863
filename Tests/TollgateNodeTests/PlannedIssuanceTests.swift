import Testing
import TollgateCertificates
import TollgateNode
import TollgateTestSupport

/// Sales planned together, signed apart and recorded in order (what the executor's group commit
/// does): never two plans on one serial or one log position, and a plan the log has moved past is
/// refused without changing anything.
@Suite struct PlannedIssuanceTests {
    @Test func plansOfOneBatchTakeDisjointSerialsAndConsecutiveLogPositions() throws {
        let channel = try Channel()
        try channel.wire()
        var plans: [LicensePlan] = []
        for index in 0..<12 {
            plans.append(try channel.regional.planIssue(channel.sale("batch-\(index)", seats: UInt64(index % 4 + 1)), at: channel.now, after: plans))
        }
        for (offset, plan) in plans.enumerated() {
            #expect(plan.payload.logIndex == UInt64(offset + 1))  // entry 0 is the received certificate
            for other in plans[..<offset] { #expect(!other.payload.seats.overlaps(plan.payload.seats)) }
        }
        #expect(try channel.regional.store.log.size == 1, "planning wrote to the log")
        let signed = try plans.map { try $0.sign(with: channel.regional.identity.key) }
        let files = try channel.regional.record(Array(zip(plans, signed)))
        let verifier = LicenseVerifier(anchor: channel.anchor)
        for (plan, file) in zip(plans, files) {
            let verified = try verifier.verify(file, at: channel.now)
            #expect(verified.license.payload == plan.payload)
        }
        #expect(try channel.regional.store.log.size == 13)
        #expect(try channel.regional.issuedLicenses().count == 12)
        // The next sale continues after the batch.
        let next = try channel.regional.issue(channel.sale("after"), at: channel.now)
        let nextSeats = try SignedLicense(compact: next.license).payload.seats
        #expect(plans.allSatisfy { !$0.payload.seats.overlaps(nextSeats) })
    }

    /// A batch planned at once (as the executor does) places its sales as planning them one by one
    /// would, after the plans it is told about, and refuses only the sales that do not fit.
    @Test func aBatchPlannedAtOnceMatchesPlansMadeOneByOne() throws {
        let channel = try Channel()
        try channel.wire()
        let earlier = [try channel.regional.planIssue(channel.sale("earlier", seats: 3), at: channel.now)]
        var oneByOne = earlier
        for index in 0..<8 {
            oneByOne.append(try channel.regional.planIssue(channel.sale("single-\(index)", seats: UInt64(index + 1)), at: channel.now, after: oneByOne))
        }
        let sales = (0..<8).map { (request: channel.sale("batch-\($0)", seats: UInt64($0 + 1)), at: channel.now) }
            + [(request: channel.sale("too big", seats: 1_000), at: channel.now)]
        let batch = channel.regional.planIssues(sales, after: earlier)
        #expect(batch.count == 9)
        let placed = try batch.prefix(8).map { try $0.get() }
        #expect(placed.map(\.payload.seats) == oneByOne.dropFirst().map(\.payload.seats))
        #expect(placed.map(\.payload.logIndex) == oneByOne.dropFirst().map(\.payload.logIndex))
        #expect(throws: NodeError.self) { try batch[8].get() }
        #expect(try channel.regional.store.log.size == 1, "planning wrote to the log")
    }

    /// Sales naming no certificate fill the oldest one with room and spill into the next within one
    /// batch, which asks the store for the certificates with room once.
    @Test func aBatchSpillsIntoTheNextCertificateReadingTheirRoomOnce() throws {
        let channel = try Channel()
        try channel.wire()
        var second = channel.request(to: channel.regional, count: 4)
        second.nbf = channel.now - 86_400
        try channel.regional.accept(chain: channel.general.delegate(second, at: channel.now + 1).chain, at: channel.now + 1)
        let held = try channel.regional.heldCertificates()
        #expect(held.count == 2)
        var filler = channel.sale("fill", seats: held[0].payload.seats.count - 3)
        filler.certificateHash = held[0].hash
        _ = try channel.regional.issue(filler, at: channel.now + 1)
        func roomQueries(planning count: Int) throws -> (plans: [LicensePlan], calls: Int) {
            let recorder = CallRecorder()
            channel.regional.store.database.faultInjector = { call in
                recorder.calls.append(call)
                return nil
            }
            defer { channel.regional.store.database.faultInjector = nil }
            let sales = (0..<count).map { (request: channel.sale("spill-\($0)"), at: channel.now + 1) }
            let plans = try channel.regional.planIssues(sales, after: []).map { try $0.get() }
            return (plans, recorder.calls.filter { $0.kind != .prepare && $0.sql.contains("SELECT DISTINCT received_at, holder_hash") }.count)
        }
        let one = try roomQueries(planning: 1), (plans, calls) = try roomQueries(planning: 6)
        #expect(plans.map(\.payload.cert) == Array(repeating: held[0].hash, count: 3) + Array(repeating: held[1].hash, count: 3))
        for (offset, plan) in plans.enumerated() {
            for other in plans[..<offset] { #expect(!other.payload.seats.overlaps(plan.payload.seats)) }
        }
        #expect(one.calls > 0)
        #expect(calls == one.calls, "a batch of 6 read the certificates with room more often than one sale does")
    }

    @Test func aPlanTheLogHasMovedPastIsRefusedAndChangesNothing() throws {
        let channel = try Channel()
        try channel.wire()
        let stale = try channel.regional.planIssue(channel.sale("stale"), at: channel.now)
        _ = try channel.regional.issue(channel.sale("first"), at: channel.now)
        let sizeBefore = try channel.regional.store.log.size
        do {
            _ = try channel.regional.record([(stale, try stale.sign(with: channel.regional.identity.key))])
            Issue.record("a stale plan was recorded")
        } catch {
            #expect(error.code == .storage, "\(error)")
        }
        #expect(try channel.regional.store.log.size == sizeBefore)
        #expect(try channel.regional.issuedLicenses().count == 1)
    }

    /// Seeded random batches of random sizes over a certificate of 100 seats: the plans take free
    /// serials only, fill the quota until a sale no longer fits, and then refuse.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func randomBatchesFillTheQuotaExactly(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let channel = try Channel()
        try channel.wire()
        var planned: [LicensePlan] = []
        var recorded: [SerialRange] = []
        var exhausted = false
        while !exhausted {
            var batch: [LicensePlan] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                do {
                    batch.append(try channel.regional.planIssue(channel.sale("c", seats: UInt64.random(in: 1...5, using: &random)),
                                                                at: channel.now, after: batch))
                } catch {
                    #expect(error.code == .quotaExhausted, "\(error)")
                    exhausted = true
                    break
                }
            }
            let signed = try batch.map { try $0.sign(with: channel.regional.identity.key) }
            _ = try channel.regional.record(Array(zip(batch, signed)))
            planned += batch
            recorded += batch.map(\.payload.seats)
        }
        let sorted = recorded.sorted { $0.start < $1.start }
        for (left, right) in zip(sorted, sorted.dropFirst()) { #expect(left.end <= right.start, "overlap \(left) \(right)") }
        #expect(recorded.reduce(0) { $0 + $1.count } > 95, "left more than five seats free")
        #expect(recorded.allSatisfy { $0.start >= 0 && $0.end <= 100 })
        #expect(try channel.regional.issuedLicenses().count == planned.count)
    }
}
