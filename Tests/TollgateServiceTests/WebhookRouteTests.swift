import Foundation
import Synchronization
import Testing
import TollgateAPI
import TollgateHTTPMessages
import TollgateWire

/// The webhook routes through `NodeAPI.handle`: register, list, the delivery log, remove; the
/// refusals' problem types; and the change observer the dispatcher is woken by.
@Suite struct WebhookRouteTests {
    static let base = "https://tollgate.dev/problems/"

    func json(_ value: some Encodable) throws -> [UInt8] { Array(try JSONEncoder().encode(value)) }

    @Test func aWebhookIsRegisteredListedLoggedAndRemovedOverTheRoutes() throws {
        let fixture = try APIFixture()
        let created = fixture.send(.post, "/v1/webhooks", body: try json(WebhookRegistration(url: "https://crm.example/hook", events: ["finding.opened"])))
        #expect(created.status.code == 201, "\(created.bodyText)")
        let webhook = try created.decodeJSON(WebhookDescription.self)
        #expect(webhook.id.hasPrefix("wh_") && webhook.events == [.findingOpened] && !created.bodyText.contains("secret"))
        #expect(try fixture.send(.get, "/v1/webhooks").decodeJSON([WebhookDescription].self) == [webhook])
        #expect(try fixture.send(.get, "/v1/webhooks/\(webhook.id)/deliveries").decodeJSON([WebhookDeliveryRecord].self) == [])
        #expect(try fixture.send(.delete, "/v1/webhooks/\(webhook.id)").decodeJSON(WebhookDescription.self) == webhook)
        #expect(fixture.send(.delete, "/v1/webhooks/\(webhook.id)").problemDetails?.type == Self.base + "not-found")
        #expect(fixture.send(.get, "/v1/webhooks/\(webhook.id)/deliveries").status.code == 404)
        #expect(try fixture.send(.get, "/v1/webhooks").decodeJSON([WebhookDescription].self) == [])
    }

    @Test func badRegistrationsAreAnsweredWithTheirProblemTypes() throws {
        let fixture = try APIFixture()
        for (registration, status, type) in [
            (WebhookRegistration(url: "file:///etc/passwd", events: ["license.issued"]), 400, "webhook-url-invalid"),
            (WebhookRegistration(url: "https://crm.example/hook", events: ["license.issue"]), 400, "unknown-event-type"),
        ] {
            let response = fixture.send(.post, "/v1/webhooks", body: try json(registration))
            #expect(response.status.code == status && response.problemDetails?.type == Self.base + type, "\(response.bodyText)")
        }
        #expect(try fixture.send(.get, "/v1/webhooks").decodeJSON([WebhookDescription].self) == [])
    }

    @Test func theChangeObserverHearsOfEveryRequestButGets() throws {
        let fixture = try APIFixture()
        let heard = Mutex(0)
        fixture.api.attach(afterChange: { heard.withLock { $0 += 1 } })
        _ = fixture.send(.get, "/v1/webhooks")
        _ = fixture.send(.get, "/healthz")
        #expect(heard.withLock { $0 } == 0)
        _ = fixture.send(.post, "/v1/webhooks", body: try json(WebhookRegistration(url: "https://crm.example/hook", events: ["sync.received"])))
        _ = fixture.send(.post, "/v1/licenses", body: Array("{}".utf8))
        #expect(heard.withLock { $0 } == 2)
    }
}
