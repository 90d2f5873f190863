import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// Webhooks over real processes: a receiver on loopback gets `license.issued` after
    /// `tollgate issue` at the regional agent, first answering 500 so the delivery is retried and
    /// the delivery log shows both attempts; the root's receiver gets `sync.received` once the
    /// general agent pushes. Every delivery verifies with `tollgate webhook verify` and the
    /// sending node's public key, and a changed body does not.
    @Suite struct WebhookDeliveryTests {
        static let customer = "<script>alert(1)</script> \"Muster\""

        func operatorArguments(_ node: NodeProcess) -> [String] {
            ["--node", node.baseURL, "--token-file", node.directory.appendingPathComponent("operator.token").path]
        }

        func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

        /// `tollgate webhook verify` of one delivery with the sender's node directory: its exit status.
        func verify(_ delivery: WebhookReceiver.Delivery, sender: NodeProcess, in scratch: TemporaryDirectory, body: [UInt8]? = nil) throws -> Int32 {
            let file = scratch.url.appendingPathComponent("body-\(UUID().uuidString).json")
            try Data(body ?? delivery.body).write(to: file)
            return try TollgateCLI.outcome(["webhook", "verify", "--node-dir", sender.directory.path,
                                            "--header", delivery.headers["tollgate-signature"] ?? "", "--body", file.path]).status
        }

        @Test func aSaleIsPostedSignedAndRetriedAndAChildsPushIsPostedAtTheRoot() throws {
            let channel = try ChannelFixture("webhooks", serveArguments: ["--webhook-retry-after", "1"])
            let sales = try WebhookReceiver(answers: [500])
            let root = try WebhookReceiver()
            defer { sales.stop(); root.stop() }

            let added = try json(try TollgateCLI.run(["webhook", "add", "--url", sales.url, "--events", "license.issued", "--json"]
                                                     + operatorArguments(channel.regional))) as? [String: Any]
            let hook = try #require(added?["id"] as? String)
            try TollgateCLI.run(["webhook", "add", "--url", root.url, "--events", "sync.received,finding.opened"] + channel.vendorOperator)
            let bad = try TollgateCLI.outcome(["webhook", "add", "--url", root.url, "--events", "sync.recieved"] + channel.vendorOperator)
            #expect(bad.status == 4 && bad.errors.contains("unknown_event_type") && bad.errors.contains("sync.received"), "\(bad.errors)")

            let out = channel.scratch.url.appendingPathComponent("muster.license").path
            try TollgateCLI.run(["issue", "--customer", Self.customer, "--country", "DE", "--product", "cad-pro", "--model", "perpetual",
                                 "--price", "EUR:49.00", "--out", out] + operatorArguments(channel.regional))
            #expect(sales.waitFor { $0.count >= 2 }, "the sale's event, answered 500, then retried: \(sales.deliveries.map(\.answered))")
            let deliveries = sales.deliveries
            #expect(deliveries.map(\.answered) == [500, 200])
            let first = try #require(deliveries.first), second = try #require(deliveries.last)
            #expect(first.body == second.body, "a retry carries the same event")
            let event = try #require(try json(String(decoding: second.body, as: UTF8.self)) as? [String: Any])
            let data = try #require(event["data"] as? [String: Any])
            #expect(event["type"] as? String == "license.issued" && event["node"] as? String == "ra-dach")
            #expect(data["customer"] as? String == Self.customer && data["country"] as? String == "DE")
            #expect(data["license"] as? String == (try SignedLicense(compact: LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: out))).license).hash))
            #expect(first.headers["content-type"] == "application/json")
            for delivery in deliveries {
                #expect(try verify(delivery, sender: channel.regional, in: channel.scratch) == 0)
                #expect(try verify(delivery, sender: channel.vendor, in: channel.scratch) == 1, "another node's key")
            }
            let bodyFile = channel.scratch.url.appendingPathComponent("second.json")
            try Data(second.body).write(to: bodyFile)
            let header = try #require(second.headers["tollgate-signature"])
            let byKey = ["webhook", "verify", "--public-key", channel.regional.directory.appendingPathComponent("node.pub").path,
                         "--header", "Tollgate-Signature: " + header, "--body", bodyFile.path]
            #expect(try TollgateCLI.outcome(byKey).status == 0)
            let stale = try TollgateCLI.outcome(byKey + ["--now", "2100-01-01"])
            #expect(stale.status == 1 && stale.output.contains("stale"), "\(stale.output)")
            var tampered = second.body
            tampered[tampered.count / 2] ^= 0x01
            #expect(try verify(second, sender: channel.regional, in: channel.scratch, body: tampered) == 1)

            let log = try json(try TollgateCLI.run(["webhook", "deliveries", "--id", hook, "--json"] + operatorArguments(channel.regional))) as? [[String: Any]]
            let record = try #require(log?.first)
            #expect(log?.count == 1 && record["state"] as? String == "delivered" && record["event"] as? String == event["id"] as? String, "\(record)")
            let attempts = try #require(record["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["status"] as? Int } == [500, 200] && attempts.map { $0["attempt"] as? Int } == [1, 2])
            #expect(attempts.allSatisfy { $0["duration_ms"] is Int && $0["at"] is Int })

            try channel.syncUp()
            #expect(root.waitFor { $0.contains { Self.type(of: $0) == "sync.received" } }, "the root's event for the general agent's push")
            let pushed = try #require(root.deliveries.first { Self.type(of: $0) == "sync.received" })
            let pushedEvent = try #require(try json(String(decoding: pushed.body, as: UTF8.self)) as? [String: Any])
            #expect(pushedEvent["node"] as? String == "vendor" && (pushedEvent["data"] as? [String: Any])?["child"] as? String == "ga-europe", "\(pushedEvent)")
            #expect(((pushedEvent["data"] as? [String: Any])?["entries"] as? Int ?? 0) > 0)
            #expect(try verify(pushed, sender: channel.vendor, in: channel.scratch) == 0)
            let listed = try TollgateCLI.run(["webhook", "list"] + channel.vendorOperator)
            #expect(listed.contains(root.url) && listed.contains("sync.received"), "\(listed)")
            for status in channel.stop() { #expect(status == 0) }
        }

        @Test func aReceiverOutageIsRetriedUntilItIsBackAndTheEventArrivesOnce() throws {
            let agent = try AgentFixture("webhook-outage", serveArguments: ["--webhook-retry-after", "1"])
            let down = try WebhookReceiver()
            let port = down.port, url = down.url
            down.stop()
            let remote = operatorArguments(agent.node)
            let added = try json(try TollgateCLI.run(["webhook", "add", "--url", url, "--events", "license.issued", "--json"] + remote)) as? [String: Any]
            let hook = try #require(added?["id"] as? String)
            try TollgateCLI.run(["issue", "--customer", "Muster GmbH", "--country", "DE", "--product", "cad", "--model", "perpetual",
                                 "--price", "EUR:5.00", "--out", agent.scratch.path("muster.license")] + remote)
            func attempts() throws -> [[String: Any]] {
                let log = try json(try TollgateCLI.run(["webhook", "deliveries", "--id", hook, "--json"] + remote)) as? [[String: Any]]
                return log?.first?["attempts"] as? [[String: Any]] ?? []
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while try attempts().isEmpty, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.1) }
            let failed = try #require(try attempts().first)
            #expect(failed["status"] == nil && (failed["error"] as? String)?.isEmpty == false, "the outage is logged as libcurl's error: \(failed)")

            let back = try WebhookReceiver(port: port)
            defer { back.stop() }
            #expect(back.waitFor { !$0.isEmpty }, "delivered once the receiver is back")
            Thread.sleep(forTimeInterval: 1.5)  // a second delivery, if any, would come within the next retry
            #expect(back.deliveries.count == 1 && back.deliveries.first?.answered == 200)
            let logged = try attempts()
            #expect(logged.count >= 2 && logged.last?["status"] as? Int == 200 && logged.dropLast().allSatisfy { $0["status"] == nil }, "\(logged)")
            #expect(try verify(try #require(back.deliveries.first), sender: agent.node, in: agent.scratch) == 0)

            // The receiver lost it after all: the operator replays the event; it comes again under its
            // id, so the receiver, de-duplicating by id, still counts one event.
            let log = try json(try TollgateCLI.run(["webhook", "deliveries", "--id", hook, "--json"] + remote)) as? [[String: Any]]
            let event = try #require(log?.first?["event"] as? String)
            let unknown = try TollgateCLI.outcome(["webhook", "replay", "--id", hook, "--event", "evt_nope"] + remote)
            #expect(unknown.status != 0 && unknown.errors.contains("not_found"), "\(unknown)")
            #expect(try TollgateCLI.run(["webhook", "replay", "--id", hook, "--event", event] + remote).contains("queued 1 delivery"))
            #expect(back.waitFor { $0.count == 2 }, "the replayed delivery arrives")
            let ids = back.deliveries.compactMap { ((try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any])?["id"] as? String }
            #expect(ids.count == 2 && Set(ids) == [event], "one event, delivered twice: \(ids)")
            #expect(agent.node.terminate() == 0)
        }

        static func type(of delivery: WebhookReceiver.Delivery) -> String? {
            ((try? JSONSerialization.jsonObject(with: Data(delivery.body))) as? [String: Any])?["type"] as? String
        }
    }
}
