import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport

extension EndToEnd {
    /// Floating seats with real processes: an agent serving leases to machines over HTTP, and a
    /// closed site bound by files whose log is carried out as a file, taken in by the serving agent,
    /// synced to the vendor, whose audit finds the lease the site planted beyond its seats.
    @Suite struct FloatingSeatTests {
        let scratch: TemporaryDirectory
        var vendor: String { scratch.path("vendor") }
        var agent: String { scratch.path("agent") }
        var site: String { scratch.path("site") }

        init() throws {
            scratch = try TemporaryDirectory("e2e-floating")
            try TollgateCLI.run(["root", "init", "--dir", vendor, "--name", "vendor"])
            try TollgateCLI.run(["node", "init", "--dir", agent, "--name", "agent", "--anchor", vendor + "/anchor.pub"])
            try TollgateCLI.run(["delegate", "--dir", vendor, "--subject", "agent", "--subject-key", agent + "/node.pub", "--seats", "1000",
                                 "--countries", "DE", "--product", "cad=render", "--models", "floating,perpetual",
                                 "--floating", "lease=1h,borrow=7d", "--price-floor", "EUR:1.00", "--out", scratch.path("agent.chain")])
            try TollgateCLI.run(["accept", "--dir", agent, scratch.path("agent.chain")])
        }

        func issue(_ name: String, seats: Int) throws -> String {
            let file = scratch.path(name)
            try TollgateCLI.run(["issue", "--dir", agent, "--customer", "Muster", "--country", "DE", "--product", "cad", "--model", "floating",
                                 "--price", "EUR:5.00", "--seats", "\(seats)", "--days", "30", "--lease", "15m", "--borrow", "3d", "--out", file])
            return file
        }

        func machine(_ name: String) throws -> String {
            let wallet = scratch.path(name)
            try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", vendor + "/anchor.pub", "--product", "cad"])
            return wallet
        }

        @Test func theAgentLeasesItsSeatsAndRefusesOneTooManyWithTheClearError() throws {
            let license = try issue("two.json", seats: 2)
            let node = try NodeProcess(directory: URL(fileURLWithPath: agent))
            defer { node.expectCleanExit() }
            let wallets = try (1...3).map { try machine("m\($0)") }
            for wallet in wallets.prefix(2) {
                try TollgateCLI.run(["machine", "lease", "--dir", wallet, "--node", node.baseURL, "--license", license])
            }
            let refused = try TollgateCLI.outcome(["machine", "lease", "--dir", wallets[2], "--node", node.baseURL, "--license", license])
            #expect(refused.status != 0)
            #expect(refused.errors.contains("no_seat_free") && refused.errors.contains("the next frees at"), "\(refused)")
            let check = try TollgateCLI.outcome(["machine", "check", "--dir", wallets[0], "--json"])
            #expect(check.status == 0 && check.output.contains("\"lease_seconds_left\""), "\(check)")
            try TollgateCLI.run(["machine", "heartbeat", "--dir", wallets[0], "--node", node.baseURL])
            try TollgateCLI.run(["machine", "release", "--dir", wallets[0], "--node", node.baseURL])
            #expect(try TollgateCLI.outcome(["machine", "check", "--dir", wallets[0]]).status != 0)
            try TollgateCLI.run(["machine", "lease", "--dir", wallets[2], "--node", node.baseURL, "--license", license])
        }

        @Test func aClosedSitesLogIsCarriedOutAndTheVendorFindsItsOverLeasing() throws {
            let license = try issue("three.json", seats: 1)
            try TollgateCLI.run(["node", "init", "--dir", site, "--name", "site", "--role", "site", "--anchor", vendor + "/anchor.pub"])
            try TollgateCLI.run(["site", "request", "--dir", site, "--license", license, "--out", scratch.path("site.req")])
            try TollgateCLI.run(["answer", "--dir", agent, "--out", scratch.path("site.resp"), scratch.path("site.req")])
            try TollgateCLI.run(["site", "bind", "--dir", site, scratch.path("site.resp")])

            let served = try NodeProcess(directory: URL(fileURLWithPath: site))
            let holder = try machine("s1"), other = try machine("s2")
            try TollgateCLI.run(["machine", "lease", "--dir", holder, "--node", served.baseURL, "--license", license])
            let refused = try TollgateCLI.outcome(["machine", "lease", "--dir", other, "--node", served.baseURL, "--license", license])
            #expect(refused.status != 0 && refused.errors.contains("no_seat_free"), "\(refused)")
            #expect(try TollgateCLI.outcome(["machine", "check", "--dir", holder]).output.contains("site activation"))
            served.expectCleanExit()

            // The site now cheats: it signs a second lease of its one serial for another machine.
            let key = try Ed25519PrivateKey(contentsOf: URL(fileURLWithPath: site + "/node.key"))
            let store = try NodeStore(database: SQLiteDatabase(path: site + "/node.sqlite"))
            let first = try #require(try store.leases().first).lease
            var planted = first.payload
            planted.machineKey = Base64URL.encode(try Ed25519PrivateKey().publicKey.rawRepresentation)
            planted.jti = "planted"
            planted.logIndex = try store.log.size
            let signed = try SignedLease.sign(planted, with: key)
            _ = try store.log.append(kind: "lease-granted", bytes: Array(signed.compact.utf8), at: planted.nbf)

            try TollgateCLI.run(["site", "export", "--dir", site, "--out", scratch.path("site.log")])
            let vendorNode = try NodeProcess(directory: URL(fileURLWithPath: vendor))
            defer { vendorNode.expectCleanExit() }
            let agentNode = try NodeProcess(directory: URL(fileURLWithPath: agent))
            let token = agent + "/operator.token"
            let taken = try TollgateCLI.run(["site", "ingest", "--node", agentNode.baseURL, "--token-file", token, scratch.path("site.log")])
            // Its two leases and the lease it refused; its binding is the agent's own activation.
            #expect(taken.contains("3 new entries"), "\(taken)")
            agentNode.expectCleanExit()
            try TollgateCLI.run(["sync", "--dir", agent, "--parent", vendorNode.baseURL])
            let audit = try TollgateCLI.outcome(["audit", "--node", vendorNode.baseURL, "--token-file", vendor + "/operator.token", "--json"])
            #expect(audit.status == 1, "findings: \(audit)")
            #expect(audit.output.contains("lease_oversubscribed"), "\(audit)")
            #expect(audit.output.contains(key.publicKey.thumbprint))
        }

        /// A site that can reach its agent once binds online; its log is exported while it serves,
        /// and the lease it refused (every seat taken) travels with the log to the vendor's piracy
        /// report, under the site, right after the agent that took the log in.
        @Test func aSiteBindsOnlineExportsWhileServingAndItsRefusalsReachTheVendor() throws {
            let license = try issue("one.json", seats: 1)
            try TollgateCLI.run(["node", "init", "--dir", site, "--name", "site", "--role", "site", "--anchor", vendor + "/anchor.pub"])
            var agentNode = try NodeProcess(directory: URL(fileURLWithPath: agent))
            let bad = try TollgateCLI.outcome(["site", "activate", "--dir", site, "--agent", agentNode.baseURL, "--license", vendor + "/anchor.pub"])
            #expect(bad.status != 0 && bad.errors.contains("license"), "a file that is not a license: \(bad)")
            let bound = try TollgateCLI.run(["site", "activate", "--dir", site, "--agent", agentNode.baseURL, "--license", license])
            #expect(bound.contains("site bound to license"), "\(bound)")
            // Asked again, the agent answers with the site activation it made: the binding is the same.
            let again = try TollgateCLI.run(["site", "activate", "--dir", site, "--agent", agentNode.baseURL, "--license", license])
            let activation = { (text: String) in text.split(separator: "\n").first { $0.contains("site activation:") } }
            #expect(activation(again) != nil && activation(again) == activation(bound), "\(bound)\n\(again)")

            let served = try NodeProcess(directory: URL(fileURLWithPath: site))
            let holder = try machine("o1"), other = try machine("o2")
            try TollgateCLI.run(["machine", "lease", "--dir", holder, "--node", served.baseURL, "--license", license])
            let refused = try TollgateCLI.outcome(["machine", "lease", "--dir", other, "--node", served.baseURL, "--license", license])
            #expect(refused.status != 0 && refused.errors.contains("no_seat_free"), "\(refused)")
            let exported = try TollgateCLI.run(["site", "export", "--node", served.baseURL, "--token-file", site + "/operator.token",
                                                "--out", scratch.path("served.log")])
            #expect(exported.contains("entries"), "\(exported)")
            // Still serving: the holder's heartbeat is answered after the export.
            try TollgateCLI.run(["machine", "heartbeat", "--dir", holder, "--node", served.baseURL])
            served.expectCleanExit()

            let token = agent + "/operator.token"
            let taken = try TollgateCLI.run(["site", "ingest", "--node", agentNode.baseURL, "--token-file", token, scratch.path("served.log")])
            #expect(taken.contains("2 new entries"), "its lease and its refusal: \(taken)")
            agentNode.expectCleanExit()
            let vendorNode = try NodeProcess(directory: URL(fileURLWithPath: vendor))
            defer { vendorNode.expectCleanExit() }
            try TollgateCLI.run(["sync", "--dir", agent, "--parent", vendorNode.baseURL])
            let report = try ReportTests.json(["report", "piracy", "--json", "--node", vendorNode.baseURL, "--token-file", vendor + "/operator.token"])
            let rows = ReportTests.rows(report, "piracy")
            let siteKey = try Ed25519PrivateKey(contentsOf: URL(fileURLWithPath: site + "/node.key")).publicKey.thumbprint
            #expect(rows.map { $0["node"] as? String }.last == siteKey, "the site comes right after its agent: \(rows)")
            let siteRow = try #require(rows.last)
            #expect(siteRow["parent"] as? String == "agent" && siteRow["over_leasing_attempts"] as? Int == 1, "\(siteRow)")
            #expect((siteRow["refused_by_code"] as? [[String: Any]])?.map { $0["key"] as? String } == ["no_seat_free"])
            #expect(rows.first { $0["name"] as? String == "agent" }?["refused"] as? Int == 0, "the refusal is the site's, not the agent's")
            agentNode = try NodeProcess(directory: URL(fileURLWithPath: agent))
            agentNode.expectCleanExit()
        }
    }
}
