import Testing
import TollgateCertificates
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// Bulk issues and renewals by order id: a rerun issues nothing twice, an order placed again with
/// other terms is order_conflict, and a batch with a bad row issues nothing and names every bad row.
@Suite struct OrderBatchTests {
    func order(_ id: String, _ channel: Channel, customer: String? = nil, seats: UInt64 = 1) -> LicenseRequest {
        var request = channel.sale(customer ?? "customer of \(id)", seats: seats)
        request.order = id
        return request
    }

    func subscription(_ id: String, _ channel: Channel) -> LicenseRequest {
        var request = order(id, channel)
        request.model = "subscription"
        request.days = 30
        return request
    }

    @Test func aRerunReturnsTheSameLicensesAndIssuesNothing() throws {
        let channel = try Channel()
        try channel.wire()
        let orders = (1...5).map { order("A-\($0)", channel, seats: UInt64($0)) }
        let first = try channel.regional.issueOrders(orders, at: channel.now)
        #expect(first.map(\.status) == Array(repeating: .issued, count: 5))
        #expect(first.map(\.row) == [1, 2, 3, 4, 5])
        #expect(first.map(\.order) == orders.compactMap(\.order))
        for (offset, outcome) in first.enumerated() {
            for other in first[..<offset] { #expect(!other.seats.overlaps(outcome.seats)) }
            #expect(try LicenseVerifier(anchor: channel.anchor).verify(outcome.file, at: channel.now).license.hash == outcome.license)
        }
        let size = try channel.regional.store.log.size
        #expect(size == 6)
        let again = try channel.regional.issueOrders(orders, at: channel.now + 3_600)
        #expect(again.map(\.status) == Array(repeating: .existing, count: 5))
        #expect(again.map(\.license) == first.map(\.license))
        #expect(again.map(\.file) == first.map(\.file))
        #expect(try channel.regional.store.log.size == size)
        #expect(try channel.regional.issuedLicenses().count == 5)
        // A file grown by new rows issues only those.
        let grown = try channel.regional.issueOrders(orders + [order("A-6", channel)], at: channel.now + 7_200)
        #expect(grown.map(\.status) == Array(repeating: .existing, count: 5) + [.issued])
        #expect(try channel.regional.store.log.size == size + 1)
    }

    @Test func anOrderPlacedAgainWithOtherTermsIsAConflictAndChangesNothing() throws {
        let channel = try Channel()
        try channel.wire()
        let placed = try channel.regional.issueOrders([order("B-1", channel)], at: channel.now)
        let size = try channel.regional.store.log.size
        var changed = order("B-1", channel)
        changed.price = Price(currency: "EUR", amount: 2_000)
        let error = Thrown.nodeError { _ = try channel.regional.issueOrders([changed], at: channel.now) }
        #expect(error?.code == .batchRefused)
        #expect(error?.rows?.map(\.row) == [1])
        #expect(error?.rows?.first?.code == NodeError.Code.orderConflict.rawValue)
        #expect(error?.rows?.first?.field == "order")
        #expect(error?.rows?.first?.order == "B-1")
        #expect(Thrown.nodeError { _ = try channel.regional.existingOrder(changed) }?.code == .orderConflict)
        #expect(try channel.regional.existingOrder(order("B-1", channel))?.license == placed[0].license)
        #expect(try channel.regional.store.log.size == size)
    }

    @Test func aBatchWithBadRowsIssuesNothingAndNamesEveryBadRow() throws {
        let channel = try Channel()
        try channel.wire()
        var orders = (1...5).map { order("C-\($0)", channel) }
        orders[2].price = Price(currency: "EUR", amount: 1)
        orders[4].country = "US"
        var missing = channel.sale("no order")
        missing.order = nil
        var malformed = channel.sale("bad order")
        malformed.order = "C 7/8"
        let size = try channel.regional.store.log.size
        let error = Thrown.nodeError { _ = try channel.regional.issueOrders(orders + [missing, malformed], at: channel.now) }
        #expect(error?.code == .batchRefused)
        let rows = error?.rows ?? []
        #expect(rows.map(\.row) == [3, 5, 6, 7])
        #expect(rows.map(\.code) == ["price_below_floor", "country_not_allowed", "invalid_request", "invalid_request"])
        #expect(rows.map(\.field) == ["price", "country", "order", "order"])
        #expect(try channel.regional.store.log.size == size, "a refused batch logged something")
        #expect(try channel.regional.issuedLicenses().isEmpty)
        #expect(try channel.regional.existingOrder(orders[0]) == nil, "a refused batch recorded an order")
        // Fixed, the same file issues every row.
        orders[2].price = Price(currency: "EUR", amount: 1_500)
        orders[4].country = "AT"
        #expect(try channel.regional.issueOrders(orders, at: channel.now).map(\.status) == Array(repeating: .issued, count: 5))
    }

    @Test func aBatchBeyondTheQuotaIssuesNothing() throws {
        let channel = try Channel()
        try channel.wire()
        let orders = (1...3).map { order("Q-\($0)", channel, seats: 40) }
        let error = Thrown.nodeError { _ = try channel.regional.issueOrders(orders, at: channel.now) }
        #expect(error?.code == .batchRefused)
        #expect(error?.rows?.map(\.row) == [3])
        #expect(error?.rows?.first?.field == "seats")
        #expect(try channel.regional.issuedLicenses().isEmpty)
    }

    @Test func anOrderRepeatedInOneBatchIssuesOnce() throws {
        let channel = try Channel()
        try channel.wire()
        let outcomes = try channel.regional.issueOrders([order("D-1", channel), order("D-2", channel), order("D-1", channel)], at: channel.now)
        #expect(outcomes.map(\.row) == [1, 2, 3])
        #expect(outcomes[2].license == outcomes[0].license)
        #expect(try channel.regional.issuedLicenses().count == 2)
        var other = order("D-3", channel)
        other.seatCount = 2
        let error = Thrown.nodeError { _ = try channel.regional.issueOrders([order("D-3", channel), other], at: channel.now) }
        #expect(error?.rows?.map(\.row) == [2])
        #expect(error?.rows?.first?.code == "order_conflict")
    }

    @Test func aTermInDaysReadsTheSameWhenRetriedLater() throws {
        let channel = try Channel()
        try channel.wire()
        let first = try channel.regional.issueOrders([subscription("E-1", channel)], at: channel.now)
        let license = try SignedLicense(compact: first[0].file.license).payload
        #expect(license.exp == channel.now + 30 * 86_400)
        let later = try channel.regional.issueOrders([subscription("E-1", channel)], at: channel.now + 86_400)
        #expect(later[0].status == .existing)
        #expect(later[0].license == first[0].license)
    }

    @Test func aSingleSaleWithAnOrderIsRecordedAndNotPlannedTwice() throws {
        let channel = try Channel()
        try channel.wire()
        let file = try channel.regional.issue(order("F-1", channel), at: channel.now)
        #expect(try channel.regional.existingOrder(order("F-1", channel))?.license == JWS.hash(of: file.license))
        #expect(Thrown.nodeError { _ = try channel.regional.issue(order("F-1", channel), at: channel.now) }?.code == .orderConflict)
        let plans = channel.regional.planIssues([(order("F-2", channel), channel.now), (order("F-2", channel), channel.now)])
        #expect((try? plans[0].get()) != nil)
        #expect(Thrown.nodeError { _ = try plans[1].get() }?.code == .orderConflict)
        #expect(try channel.regional.issuedLicenses().count == 1)
    }

    @Test func bulkRenewalsAreIdempotentAndAllOrNone() throws {
        let channel = try Channel()
        try channel.wire()
        let sold = try channel.regional.issueOrders((1...3).map { subscription("G-\($0)", channel) } + [order("G-perpetual", channel)], at: channel.now)
        let resolve: (String) throws(NodeError) -> String = { $0 }
        let renewals = sold.prefix(3).enumerated().map { RenewalRequest(order: "R-\($0.offset)", license: $0.element.license, days: 60) }
        let size = try channel.regional.store.log.size
        // A perpetual license takes no renewal: the whole batch is refused.
        let bad = renewals + [RenewalRequest(order: "R-perpetual", license: sold[3].license, days: 60)]
        let error = Thrown.nodeError { _ = try channel.regional.renewOrders(bad, at: channel.now + 10, resolve: resolve) }
        #expect(error?.code == .batchRefused)
        #expect(error?.rows?.map(\.row) == [4])
        #expect(try channel.regional.store.log.size == size)
        let renewed = try channel.regional.renewOrders(renewals, at: channel.now + 10, resolve: resolve)
        #expect(renewed.map(\.status) == [.issued, .issued, .issued])
        for (outcome, original) in zip(renewed, sold) {
            let license = try SignedLicense(compact: outcome.file.license).payload
            #expect(license.renews == original.license)
            #expect(license.exp == channel.now + 10 + 60 * 86_400)
            #expect(outcome.seats == original.seats)
        }
        #expect(try channel.regional.store.log.size == size + 3)
        let again = try channel.regional.renewOrders(renewals, at: channel.now + 500, resolve: resolve)
        #expect(again.map(\.status) == [.existing, .existing, .existing])
        #expect(again.map(\.license) == renewed.map(\.license))
        #expect(try channel.regional.store.log.size == size + 3)
        // The same order id with another term, or used before for a sale, conflicts.
        var longer = renewals[0]
        longer.days = 90
        let conflicts = Thrown.nodeError {
            _ = try channel.regional.renewOrders([longer, RenewalRequest(order: "G-1", license: sold[0].license, days: 60)], at: channel.now + 500, resolve: resolve)
        }
        #expect(conflicts?.rows?.map(\.code) == ["order_conflict", "order_conflict"])
        // One license renewed twice in a batch is a bad row; an unknown license names the license field.
        let twice = Thrown.nodeError {
            _ = try channel.regional.renewOrders([RenewalRequest(order: "R-a", license: sold[0].license, days: 90),
                                                  RenewalRequest(order: "R-b", license: sold[0].license, days: 120),
                                                  RenewalRequest(order: "R-c", license: String(repeating: "0", count: 64), days: 30)],
                                                 at: channel.now + 500, resolve: resolve)
        }
        #expect(twice?.rows?.map(\.row) == [2, 3])
        #expect(twice?.rows?.map(\.field) == ["license", "license"])
        #expect(try channel.regional.store.log.size == size + 3)
    }

    @Test func ordersSurviveReopeningTheStore() throws {
        let scratch = try TemporaryDirectory("orders")
        let path = scratch.path("regional.sqlite")
        let channel = try Channel(regionalPath: path)
        try channel.wire()
        let orders = (1...3).map { order("H-\($0)", channel) }
        let first = try channel.regional.issueOrders(orders, at: channel.now)
        let reopened = LicensingNode(identity: channel.regional.identity, store: try NodeStore(database: SQLiteDatabase(path: path)))
        let again = try reopened.issueOrders(orders, at: channel.now + 60)
        #expect(again.map(\.status) == [.existing, .existing, .existing])
        #expect(again.map(\.license) == first.map(\.license))
        #expect(try reopened.store.log.size == 4)
    }
}
