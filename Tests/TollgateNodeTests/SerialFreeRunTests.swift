import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport

/// The free runs each held certificate keeps (`serial_free_runs`) are state: they must say exactly
/// what the allocations say after any mix of operations, be filled for stores made before them,
/// and spare a sale from reading used-up certificates.
@Suite struct SerialFreeRunTests {
    /// The free runs of `held`, recomputed from the allocations reaching into its seats.
    static func recomputed(_ held: HeldCertificate, in store: NodeStore) throws -> [SerialRange] {
        let seats = held.payload.seats
        var runs: [SerialRange] = []
        var cursor = seats.start
        for allocation in try store.allocations(within: seats) {
            let start = max(allocation.seats.start, seats.start), end = min(allocation.seats.end, seats.end)
            if start > cursor { runs.append(SerialRange(cursor, start)) }
            cursor = max(cursor, end)
        }
        if cursor < seats.end { runs.append(SerialRange(cursor, seats.end)) }
        return runs
    }

    /// Checks every held certificate of `node` and that no two allocations share a serial.
    static func expectRunsMatch(_ node: LicensingNode, _ step: String) throws {
        for held in try node.heldCertificates() {
            #expect(try node.store.freeRuns(of: held.hash) == recomputed(held, in: node.store),
                    "\(node.identity.name), certificate \(held.payload.seats), after \(step)")
        }
        let all = try node.store.allocations(within: SerialRange(0, SerialRange.limit)).map(\.seats)
        for (left, right) in zip(all, all.dropFirst()) { #expect(left.end <= right.start, "\(node.identity.name): \(left) and \(right) overlap") }
    }

    /// Seeded random sequences of sales (one at a time, in planned batches, naming a certificate or
    /// not), top-ups, quota returns both ways (which free serials at the parent), revocations and
    /// rehosts, on a general agent and a regional agent holding several certificates each, some of
    /// them overlapping: after every step the runs equal a recomputation from the allocations.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func freeRunsFollowEveryOperation(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let channel = try Channel()
        try channel.wire()
        let general = channel.general, regional = channel.regional
        var now = channel.now
        var licenses: [LicenseFile] = []
        var activations: [(machine: TestMachine, license: String, activation: String)] = []
        var returnedByGeneral: [SerialRange] = []
        func topUpRegional(_ count: UInt64) throws {
            var request = channel.request(to: regional, count: count)
            request.parentHash = try general.heldCertificates().randomElement(using: &random)?.hash
            request.countries = ["DE"]
            try regional.accept(chain: general.delegate(request, at: now).chain, at: now)
        }
        func someFreeRange(of node: LicensingNode) throws -> (SerialRange, HeldCertificate)? {
            let held = try node.heldCertificates()
            guard !held.isEmpty else { return nil }
            let chosen = held[Int.random(in: 0..<held.count, using: &random)]
            let runs = try node.store.freeRuns(of: chosen.hash)
            guard !runs.isEmpty else { return nil }
            let run = runs[Int.random(in: 0..<runs.count, using: &random)]
            let start = UInt64.random(in: run.start..<run.end, using: &random)
            return (SerialRange(start, UInt64.random(in: (start + 1)...run.end, using: &random)), chosen)
        }
        try topUpRegional(20)
        for step in 0..<120 {
            now += 1
            let seller = Bool.random(using: &random) ? regional : general
            let operation = Int.random(in: 0..<100, using: &random)
            var name = ""
            do {
                switch operation {
                case 0..<35:
                    name = "sale"
                    var sale = channel.sale("c\(step)", seats: UInt64.random(in: 1...6, using: &random))
                    if Int.random(in: 0..<4, using: &random) == 0, let held = try seller.heldCertificates().randomElement(using: &random) {
                        sale.certificateHash = held.hash
                    }
                    licenses.append(try seller.issue(sale, at: now))
                case 35..<50:
                    name = "planned batch"
                    let sales = (0..<Int.random(in: 2...5, using: &random)).map {
                        (request: channel.sale("b\(step)-\($0)", seats: UInt64.random(in: 1...4, using: &random)), at: now)
                    }
                    let plans = seller.planIssues(sales).compactMap { try? $0.get() }
                    let signed = try plans.map { try $0.sign(with: seller.identity.key) }
                    licenses += try seller.record(Array(zip(plans, signed)))
                case 50..<60:
                    name = "top-up"
                    try topUpRegional(UInt64.random(in: 1...15, using: &random))
                case 60..<70:
                    name = "regional returns quota to general"
                    if let (range, held) = try someFreeRange(of: regional) {
                        let sent = try regional.returnQuota(range, certificateHash: held.hash, at: now)
                        try general.receiveReturn(sent.compact, at: now)
                    }
                case 70..<76:
                    name = "general returns quota to the root"
                    if let (range, held) = try someFreeRange(of: general) {
                        let sent = try general.returnQuota(range, certificateHash: held.hash, at: now)
                        try channel.root.receiveReturn(sent.compact, at: now)
                        returnedByGeneral.append(range)
                    }
                case 76..<80:
                    // The root delegates returned serials to the general agent again: its new
                    // certificate overlaps the old one, where those serials are booked as returned.
                    name = "overlapping top-up of the general agent"
                    if let range = returnedByGeneral.popLast() {
                        var request = channel.request(to: general, count: 1)
                        request.count = nil
                        request.seats = range
                        request.countries = ["AT", "CH", "DE"]
                        request.products = ["cad": ["export", "render"]]
                        request.models = ["perpetual", "subscription"]
                        request.priceFloor = ["EUR": 1_000]
                        request.nbf = channel.now - 86_400
                        try general.accept(chain: channel.root.delegate(request, at: now).chain, at: now)
                    }
                case 80..<86:
                    name = "revocation"
                    let delegated = try general.delegatedCertificates()
                    if delegated.count > 1, let target = delegated.randomElement(using: &random),
                       try !general.knownRevocations().contains(where: { $0.payload.cert == target.hash }) {
                        let revocation = try general.revoke(certificateHash: target.hash, reason: "test", at: now)
                        try regional.receiveRevocation(revocation.compact, at: now)
                    }
                default:
                    name = "rehost"
                    if let active = activations.popLast() {
                        let deactivate = try active.machine.request(.deactivate, license: active.license, activation: active.activation, at: now)
                        _ = try regional.handleMachineRequest(deactivate, at: now)
                    } else if let file = licenses.last(where: { (try? SignedLicense(compact: $0.license).payload.iss) == regional.identity.keyID }) {
                        let machine = try TestMachine()
                        let hash = JWS.hash(of: file.license)
                        let receipt = try regional.handleMachineRequest(try machine.request(.activate, license: hash, at: now), at: now)
                        activations.append((machine, hash, JWS.hash(of: receipt.activation)))
                    }
                }
            } catch let error as NodeError {
                // Refusals are part of the mix (a used-up or revoked certificate, a seat in use); they change nothing.
                #expect([.quotaExhausted, .noCertificate, .seatsInUse, .serialsTaken, .ruleViolation, .licenseInvalid].contains(error.code), "\(name): \(error)")
            }
            for node in [general, regional] { try Self.expectRunsMatch(node, "step \(step) (\(name))") }
        }
    }

    /// A store made before the runs were kept gets them filled from its allocations when opened,
    /// for every certificate it holds (an allocation reaching in from below included).
    @Test func openingAnOldStoreFillsTheRuns() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("old.sqlite").path
        let steps = NodeStore.migrations.steps
        let added = try #require(steps.firstIndex { $0.name == "node-serial-free-runs" })
        let held: [(hash: String, start: Int64, end: Int64, receivedAt: Int64)] = [("a", 0, 100, 5), ("b", 100, 200, 3), ("c", 300, 310, 9), ("d", 50, 60, 7)]
        let allocations: [(start: Int64, end: Int64)] = [(0, 5), (10, 20), (95, 110), (150, 200), (300, 310)]
        do {
            let old = try SQLiteDatabase(path: path)
            try SchemaMigrations(Array(steps[..<added])).apply(to: old)
            for certificate in held {
                try old.execute(
                    "INSERT INTO held_certificates (hash, subject, chain, seats_start, seats_end, received_at, log_index) VALUES (?1, 's', '[]', ?2, ?3, ?4, 0)",
                    [.text(certificate.hash), .integer(certificate.start), .integer(certificate.end), .integer(certificate.receivedAt)])
            }
            for (index, allocation) in allocations.enumerated() {
                try old.execute(
                    "INSERT INTO serial_allocations (start, end, kind, holder_hash, object_hash, log_index, created_at) VALUES (?1, ?2, 'licensed', 'a', ?3, ?4, 0)",
                    [.integer(allocation.start), .integer(allocation.end), .text("object-\(index)"), .integer(Int64(index))])
            }
        }
        let store = try NodeStore(database: SQLiteDatabase(path: path))
        #expect(try store.database.userVersion == NodeStore.migrations.latestVersion)
        #expect(try store.freeRuns(of: "a") == [SerialRange(5, 10), SerialRange(20, 95)])
        #expect(try store.freeRuns(of: "b") == [SerialRange(110, 150)])
        #expect(try store.freeRuns(of: "c").isEmpty)
        #expect(try store.freeRuns(of: "d") == [SerialRange(50, 60)])
        let flagged = try store.database.query("SELECT hash FROM held_certificates WHERE overlaps_another = 1 ORDER BY hash").map { try $0.text(0) }
        #expect(flagged == ["a", "d"])
        #expect(try store.freeRuns(of: "a", holding: 20) == [SerialRange(20, 95)])
        // From here on the triggers keep them: a new allocation splits a run, a deleted one joins two.
        try store.database.execute(
            "INSERT INTO serial_allocations (start, end, kind, holder_hash, object_hash, log_index, created_at) VALUES (40, 50, 'licensed', 'a', 'new', 9, 0)")
        #expect(try store.freeRuns(of: "a") == [SerialRange(5, 10), SerialRange(20, 40), SerialRange(50, 95)])
        try store.database.execute("DELETE FROM serial_allocations WHERE start = 95")
        #expect(try store.freeRuns(of: "a") == [SerialRange(5, 10), SerialRange(20, 40), SerialRange(50, 100)])
        #expect(try store.freeRuns(of: "b") == [SerialRange(100, 150)])
        // An allocation under one of two overlapping certificates takes its serials from both.
        try store.database.execute(
            "INSERT INTO serial_allocations (start, end, kind, holder_hash, object_hash, log_index, created_at) VALUES (55, 57, 'licensed', 'a', 'both', 10, 0)")
        #expect(try store.freeRuns(of: "d") == [SerialRange(50, 55), SerialRange(57, 60)])
        #expect(try store.freeRuns(of: "a") == [SerialRange(5, 10), SerialRange(20, 40), SerialRange(50, 55), SerialRange(57, 100)])
        try store.database.execute("DELETE FROM serial_allocations WHERE object_hash = 'both'")
        #expect(try store.freeRuns(of: "d") == [SerialRange(50, 60)])
    }

    /// A sale that names no certificate passes the used-up ones without reading their allocations:
    /// it makes the same store calls with one used-up certificate held as with five.
    @Test func usedUpCertificatesCostASaleNothing() throws {
        func callsOfOneSale(usedUp: Int) throws -> [SQLiteCall] {
            let channel = try Channel()
            try channel.wire()
            let general = channel.general
            var now = channel.now
            for _ in 0..<usedUp {
                now += 1
                var request = channel.request(to: general, count: 3)
                request.countries = ["DE"]
                request.products = ["cad": ["export"]]
                request.models = ["perpetual"]
                request.priceFloor = ["EUR": 1_000]
                request.nbf = channel.now - 86_400
                try general.accept(chain: channel.root.delegate(request, at: now).chain, at: now)
            }
            // Fill the older certificates; the regional agent's one (received first) has room.
            let held = try general.heldCertificates()
            for certificate in held.dropFirst() {
                var sale = channel.sale("fill", seats: 3)
                sale.certificateHash = certificate.hash
                _ = try general.issue(sale, at: now)
            }
            // The first certificate (1,000 seats, 100 of them delegated) is used up too.
            var rest = channel.sale("fill", seats: 900)
            rest.certificateHash = held[0].hash
            _ = try general.issue(rest, at: now)
            var toRoomy = channel.request(to: general, count: 50)
            toRoomy.countries = ["DE"]
            toRoomy.nbf = channel.now - 86_400
            toRoomy.products = ["cad": ["export"]]
            toRoomy.models = ["perpetual"]
            toRoomy.priceFloor = ["EUR": 1_000]
            try general.accept(chain: channel.root.delegate(toRoomy, at: now + 1).chain, at: now + 1)
            _ = try general.issue(channel.sale("warm"), at: now + 1)
            let recorder = CallRecorder()
            general.store.database.faultInjector = { call in
                recorder.calls.append(call)
                return nil
            }
            _ = try general.issue(channel.sale("measured"), at: now + 1)
            general.store.database.faultInjector = nil
            return recorder.calls
        }
        // The log's appends touch more or fewer tree nodes with its size; the certificates' reads do not.
        func certificateReads(_ calls: [SQLiteCall]) -> [String] {
            calls.map(\.description).filter { ["serial_", "held_certificates", "revocations"].contains(where: $0.contains) }
        }
        let one = try certificateReads(callsOfOneSale(usedUp: 1)), five = try certificateReads(callsOfOneSale(usedUp: 5))
        #expect(one == five)
        #expect(!five.contains { $0.contains("serial_allocations") && !$0.contains("INSERT") })
        #expect(five.contains { $0.contains("serial_free_runs") })
    }
}

/// The calls a fault injector saw (the injector is called on the store's one thread).
final class CallRecorder {
    var calls: [SQLiteCall] = []
}
