import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
@testable import TollgateNode
import TollgateTestSupport
import TollgateWire

/// Webhook events are queued in the node's outbox in the transaction that logs what they report:
/// one per subscribed webhook, never for a refused request; bad registrations store nothing; each
/// attempt is logged and a failed one is due again by the retry schedule.
@Suite struct WebhookOutboxTests {
    static let hook = "https://crm.example/hook"

    func delivered(_ node: LicensingNode, _ id: String) throws -> [WebhookEvent] {
        try node.dueWebhookDeliveries(at: .max - 1, limit: 100).map { try JSONDecoder().decode(WebhookEvent.self, from: Data($0.body)) }
    }

    @Test func aSaleQueuesLicenseIssuedWithItsEntryAndARefusedSaleQueuesNothing() throws {
        let channel = try Channel()
        try channel.wire()
        let node = channel.regional
        let sales = try node.addWebhook(WebhookRegistration(url: Self.hook, events: ["license.issued"]), at: channel.now)
        let machines = try node.addWebhook(WebhookRegistration(url: Self.hook + "/machines", events: ["activation.recorded"]), at: channel.now)
        let file = try node.issue(channel.sale("<script>alert(1)</script> \"GmbH\""), at: channel.now)
        let license = try SignedLicense(compact: file.license)

        var cheap = channel.sale("Cheap AG")
        cheap.price = Price(currency: "EUR", amount: 1)
        #expect(throws: NodeError.self) { _ = try node.issue(cheap, at: channel.now) }

        let records = try node.webhookDeliveries(id: sales.id)
        #expect(records.count == 1)
        #expect(records.first?.type == .licenseIssued && records.first?.state == .pending && records.first?.attempts == [])
        #expect(try node.webhookDeliveries(id: machines.id).isEmpty)
        let events = try delivered(node, sales.id)
        let event = try #require(events.first)
        #expect(events.count == 1)
        #expect(event.id == records.first?.event)
        #expect(event.type == .licenseIssued && event.node == "ra" && event.time == channel.now)
        #expect(event.data.license == license.hash && event.data.customer == "<script>alert(1)</script> \"GmbH\"" && event.data.country == "DE")
        #expect(event.data.serialStart == license.payload.seats.start && event.data.serialEnd == license.payload.seats.end)
        #expect(event.id == WebhookEvent.id(type: .licenseIssued, node: "ra", object: license.hash), "a stable id for de-duplication")

        _ = try node.handleMachineRequest(try TestMachine().request(.activate, license: license.hash, at: channel.now + 1), at: channel.now + 1)
        let activation = try #require(try node.webhookDeliveries(id: machines.id).first)
        #expect(activation.type == .activationRecorded)
        let activated = try #require(try delivered(node, machines.id).first { $0.type == .activationRecorded })
        #expect(activated.data.license == license.hash && activated.data.customer == license.payload.customer && activated.data.activation != nil)
        #expect(activated.data.serialStart.map { license.payload.seats.contains($0) } == true)
        #expect(try node.webhookDeliveries(id: sales.id).count == 1)
    }

    @Test func aQueuedEventOutlivesTheProcessInTheStoreFile() throws {
        let scratch = try TemporaryDirectory("webhook-outbox")
        let path = scratch.path("regional.sqlite")
        let channel = try Channel(regionalPath: path)
        try channel.wire()
        let hook = try channel.regional.addWebhook(WebhookRegistration(url: Self.hook, events: ["license.issued"]), at: channel.now)
        let file = try channel.regional.issue(channel.sale("Muster GmbH"), at: channel.now)
        let reopened = LicensingNode(identity: channel.regional.identity, store: try NodeStore(database: SQLiteDatabase(path: path)))
        let due = try reopened.dueWebhookDeliveries(at: channel.now)
        #expect(due.count == 1)
        #expect(try due.first.map { try JSONDecoder().decode(WebhookEvent.self, from: Data($0.body)).data.license } == JWS.hash(of: file.license))
        #expect(try reopened.webhookDeliveries(id: hook.id).map(\.state) == [.pending])
    }

    @Test func aChildsAcceptedPushQueuesSyncReceivedAtTheParent() throws {
        let channel = try Channel()
        try channel.wire()
        let hook = try channel.general.addWebhook(WebhookRegistration(url: Self.hook, events: ["sync.received", "finding.opened"]), at: channel.now)
        _ = try channel.regional.issue(channel.sale("Muster GmbH"), at: channel.now)
        _ = try SyncLink(child: channel.regional, parent: channel.general).sync(at: channel.now + 10)
        let pushed = try channel.regional.logSize()
        let events = try delivered(channel.general, hook.id).filter { $0.type == .syncReceived }
        #expect(events.count == 1)
        #expect(events.first?.data.child == "ra" && events.first?.data.entries == pushed)
        // Nothing new the next round: no event; one sale more: an event for its one entry.
        _ = try SyncLink(child: channel.regional, parent: channel.general).sync(at: channel.now + 20)
        #expect(try delivered(channel.general, hook.id).filter { $0.type == .syncReceived }.count == 1)
        _ = try channel.regional.issue(channel.sale("Beispiel AG"), at: channel.now + 30)
        _ = try SyncLink(child: channel.regional, parent: channel.general).sync(at: channel.now + 40)
        let after = try delivered(channel.general, hook.id).filter { $0.type == .syncReceived }
        #expect(after.count == 2 && Set(after.map(\.id)).count == 2)
        #expect(after.last?.data.entries == (try channel.regional.logSize()) - pushed)
    }

    @Test func aNewFindingQueuesFindingOpenedOnceAtTheAuditingNode() throws {
        let tree = try SyncAndAuditTests.Tree()
        let root = tree.channel.root, now = tree.channel.now
        let hook = try root.addWebhook(WebhookRegistration(url: Self.hook, events: ["finding.opened"]), at: now)
        _ = try CheatingNode(node: tree.channel.regional).forgeLicense(at: now) { $0.price = Price(currency: "EUR", amount: 10) }
        try tree.syncAll(at: now + 60)
        let findings = try root.audit(at: now + 61)
        let events = try delivered(root, hook.id)
        #expect(findings.count == 1)
        #expect(events.map(\.type) == [.findingOpened])
        #expect(events.first?.data.finding == findings.first?.id && events.first?.data.code == "below_price_floor" && events.first?.data.subject == "ra")
        _ = try root.audit(at: now + 120)
        #expect(try root.webhookDeliveries(id: hook.id).count == 1, "a finding found again is not new")
    }

    @Test func badRegistrationsAreRefusedByCodeAndStoreNothing() throws {
        let channel = try Channel()
        let node = channel.root
        func code(_ url: String, _ events: [String]) -> NodeError.Code? {
            do {
                _ = try node.addWebhook(WebhookRegistration(url: url, events: events), at: channel.now)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code("ftp://crm.example/hook", ["license.issued"]) == .webhookURLInvalid)
        #expect(code("https://user:secret@crm.example/hook", ["license.issued"]) == .webhookURLInvalid)
        #expect(code("https://crm.example/hook#part", ["license.issued"]) == .webhookURLInvalid)
        #expect(code("https:///hook", ["license.issued"]) == .webhookURLInvalid)
        #expect(code("not a url", ["license.issued"]) == .webhookURLInvalid)
        #expect(code(Self.hook, ["license.isued"]) == .unknownEventType)
        #expect(code(Self.hook, []) == .unknownEventType)
        do {
            _ = try node.addWebhook(WebhookRegistration(url: Self.hook, events: ["activation.recored"]), at: channel.now)
        } catch {
            #expect(error.reason.contains("activation.recorded"), "names the nearest type")
        }
        #expect(try node.listWebhooks().isEmpty)
        for index in 0..<WebhookDesk.maxWebhooks {
            _ = try node.addWebhook(WebhookRegistration(url: Self.hook + "/\(index)", events: ["finding.opened"]), at: channel.now)
        }
        #expect(code(Self.hook, ["finding.opened"]) == .tooManyWebhooks)
        #expect(try node.listWebhooks().count == WebhookDesk.maxWebhooks)
        for lookup in [{ _ = try node.removeWebhook(id: "wh_nothing") }, { _ = try node.webhookDeliveries(id: "wh_nothing") }] {
            do {
                try lookup()
                Issue.record("an unknown webhook id was served")
            } catch let error as NodeError {
                #expect(error.code == .notFound)
            }
        }
        let removed = try node.removeWebhook(id: try node.listWebhooks()[0].id)
        #expect(try node.listWebhooks().count == WebhookDesk.maxWebhooks - 1)
        #expect(!(try node.listWebhooks().contains(removed)))
    }

    @Test func failedAttemptsAreLoggedAndDueAgainUntilTheLastThenFailed() throws {
        let channel = try Channel()
        try channel.wire()
        let node = channel.regional
        let hook = try node.addWebhook(WebhookRegistration(url: Self.hook, events: ["license.issued"]), at: channel.now)
        _ = try node.issue(channel.sale("Muster GmbH"), at: channel.now)
        let schedule = WebhookRetrySchedule.standard
        var now = channel.now
        for attempt in 1...schedule.maxAttempts {
            let due = try node.dueWebhookDeliveries(at: now)
            let delivery = try #require(due.first)
            #expect(due.count == 1 && delivery.attempt == attempt)
            let state = try node.recordWebhookAttempt(delivery, WebhookAttempt(attempt: attempt, at: now, status: 500, error: nil, durationMilliseconds: 3),
                                                      schedule: schedule)
            if let delay = schedule.delay(afterFailedAttempt: attempt) {
                #expect(state == .pending)
                #expect(try node.dueWebhookDeliveries(at: now + delay - 1).isEmpty, "not due before its delay")
                #expect(try node.nextWebhookAttempt() == now + delay)
                now += delay
            } else {
                #expect(state == .failed)
            }
        }
        #expect(try node.dueWebhookDeliveries(at: .max - 1).isEmpty)
        let record = try #require(try node.webhookDeliveries(id: hook.id).first)
        #expect(record.state == .failed && record.attempts.count == schedule.maxAttempts && record.nextAttemptAt == nil)
        #expect(record.attempts.map(\.status) == Array(repeating: 500, count: schedule.maxAttempts))
        #expect(try node.listWebhooks().first?.failed == 1)
    }

    @Test func aSuccessAfterAFailureIsDeliveredWithBothAttemptsLogged() throws {
        let channel = try Channel()
        try channel.wire()
        let node = channel.regional
        let hook = try node.addWebhook(WebhookRegistration(url: Self.hook, events: ["license.issued"]), at: channel.now)
        _ = try node.issue(channel.sale("Muster GmbH"), at: channel.now)
        let schedule = WebhookRetrySchedule(firstDelay: 1)
        let first = try #require(try node.dueWebhookDeliveries(at: channel.now).first)
        try node.recordWebhookAttempt(first, WebhookAttempt(attempt: 1, at: channel.now, status: nil, error: "Couldn't connect to server",
                                                            durationMilliseconds: 1), schedule: schedule)
        let second = try #require(try node.dueWebhookDeliveries(at: channel.now + 1).first)
        #expect(second.attempt == 2 && second.body == first.body)
        #expect(try node.recordWebhookAttempt(second, WebhookAttempt(attempt: 2, at: channel.now + 1, status: 204, error: nil, durationMilliseconds: 2),
                                              schedule: schedule) == .delivered)
        let record = try #require(try node.webhookDeliveries(id: hook.id).first)
        #expect(record.state == .delivered)
        #expect(record.attempts.map(\.status) == [nil, 204])
        #expect(record.attempts.first?.error == "Couldn't connect to server")
        #expect(try node.listWebhooks().first.map { ($0.pending, $0.delivered) } ?? (9, 9) == (0, 1))
    }

    @Test func renewalsChangesAndRevocationsQueueTheirOwnEvents() throws {
        let channel = try Channel()
        try channel.wire()
        let node = channel.regional
        let hook = try node.addWebhook(WebhookRegistration(url: Self.hook, events: ["license.renewed", "license.changed", "license.revoked"]),
                                       at: channel.now)
        var sale = channel.sale("Muster GmbH")
        sale.model = "subscription"
        sale.exp = channel.now + 30 * 86_400
        let license = JWS.hash(of: try node.issue(sale, at: channel.now).license)
        #expect(try node.webhookDeliveries(id: hook.id).isEmpty, "a sale is license.issued, which this webhook does not take")
        let renewal = try SignedLicense(compact: try node.renew(licenseHash: license, exp: channel.now + 60 * 86_400, at: channel.now + 10).license)
        let revocation = try node.revoke(license: license, reason: "chargeback", at: channel.now + 20)
        let events = try delivered(node, hook.id)
        #expect(events.map(\.type) == [.licenseRenewed, .licenseRevoked], "\(events.map(\.type))")
        #expect(events.first?.data.license == renewal.hash && events.first?.data.customer == "Muster GmbH")
        #expect(events.last?.data.license == license && events.last?.data.code == "chargeback" && events.last?.id == WebhookEvent.id(
            type: .licenseRevoked, node: "ra", object: revocation.hash))
    }

    @Test func aStaleNodeQueuesNodeStaleBesideItsFinding() throws {
        let tree = try SyncAndAuditTests.Tree()
        let now = tree.channel.now, root = tree.channel.root
        let hook = try root.addWebhook(WebhookRegistration(url: Self.hook, events: ["node.stale", "finding.opened"]), at: now)
        try tree.syncAll(at: now)
        try tree.generalLink.sync(at: now + 8 * 86_400)
        _ = try root.audit(at: now + 8 * 86_400 + 60)
        let events = try delivered(root, hook.id)
        #expect(Set(events.map(\.type)) == [.findingOpened, .nodeStale] && events.count == 2, "\(events.map(\.type))")
        #expect(events.allSatisfy { $0.data.code == "stale_node" && $0.data.subject == "ra" })
    }

    @Test func aReplaySendsOneEventOrEveryFailedOneAgainWithItsIdAndAttempts() throws {
        let channel = try Channel()
        try channel.wire()
        let node = channel.regional
        let hook = try node.addWebhook(WebhookRegistration(url: Self.hook, events: ["license.issued"]), at: channel.now)
        _ = try node.issue(channel.sale("Delivered AG"), at: channel.now)
        _ = try node.issue(channel.sale("Failed AG"), at: channel.now)
        let schedule = WebhookRetrySchedule(firstDelay: 1, maxAttempts: 1)
        let due = try node.dueWebhookDeliveries(at: channel.now)
        #expect(due.count == 2)
        try node.recordWebhookAttempt(due[0], WebhookAttempt(attempt: 1, at: channel.now, status: 200, error: nil, durationMilliseconds: 1), schedule: schedule)
        try node.recordWebhookAttempt(due[1], WebhookAttempt(attempt: 1, at: channel.now, status: 503, error: nil, durationMilliseconds: 1), schedule: schedule)
        #expect(try node.webhookDeliveries(id: hook.id).map(\.state) == [.delivered, .failed])

        // Every failed one: the second, due at once, its next attempt the second.
        #expect(try node.replayWebhookDeliveries(id: hook.id, event: nil, at: channel.now + 5) == 1)
        let again = try #require(try node.dueWebhookDeliveries(at: channel.now + 5).first)
        #expect(again.body == due[1].body && again.attempt == 2)
        #expect(try node.replayWebhookDeliveries(id: hook.id, event: nil, at: channel.now + 6) == 0, "nothing failed is left")
        // One delivered event, for a receiver that lost it: the same event id.
        let deliveredEvent = try #require(try node.webhookDeliveries(id: hook.id).first).event
        #expect(try node.replayWebhookDeliveries(id: hook.id, event: deliveredEvent, at: channel.now + 7) == 1)
        #expect(try node.webhookDeliveries(id: hook.id).map(\.state) == [.pending, .pending])
        for (id, event) in [("wh_nope", nil), (hook.id, "no-such-event")] as [(String, String?)] {
            do {
                _ = try node.replayWebhookDeliveries(id: id, event: event, at: channel.now + 8)
                Issue.record("replayed \(id) \(event ?? "")")
            } catch {
                #expect(error.code == .notFound)
            }
        }
    }

    @Test func theRetryScheduleDoublesFromItsFirstDelayCappedAtAnHourForEightAttempts() {
        let standard = WebhookRetrySchedule.standard
        #expect((1...7).map { standard.delay(afterFailedAttempt: $0) } == [10, 20, 40, 80, 160, 320, 640])
        #expect(standard.delay(afterFailedAttempt: 8) == nil)
        let slow = WebhookRetrySchedule(firstDelay: 600)
        #expect((1...7).map { slow.delay(afterFailedAttempt: $0) } == [600, 1_200, 2_400, 3_600, 3_600, 3_600, 3_600])
        let quick = WebhookRetrySchedule(firstDelay: 1)
        #expect(quick.delay(afterFailedAttempt: 1) == 1 && quick.delay(afterFailedAttempt: 3) == 4)
    }
}
