import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// Tiers and expiry behaviour from the command line: a certificate with tiers, a subscription
    /// sold as a tier that downgrades after its grace period, and a machine that checks itself at
    /// times inside each state (issue 20), then catches its clock set back.
    @Suite struct TierAndExpiryFlowTests {
        static let day: Int64 = 86_400

        @Test func aSubscriptionWarnsLapsesIntoGraceThenDowngrades() throws {
            let scratch = try TemporaryDirectory("e2e-tiers")
            let vendor = scratch.path("vendor"), agent = scratch.path("agent"), chain = scratch.path("agent.chain")
            try TollgateCLI.run(["root", "init", "--dir", vendor, "--name", "vendor"])
            try TollgateCLI.run(["node", "init", "--dir", agent, "--name", "agent", "--anchor", vendor + "/anchor.pub"])
            let delegated = try TollgateCLI.run(["delegate", "--dir", vendor, "--subject", "agent", "--subject-key", agent + "/node.pub",
                                                 "--seats", "100", "--countries", "DE", "--product", "cad=view,export,render",
                                                 "--tier", "cad:basic=view", "--tier", "cad:pro=view,export", "--models", "subscription",
                                                 "--price-floor", "EUR:1.00", "--sync-within", "7d", "--depth", "1", "--out", chain])
            #expect(delegated.contains("tiers of cad: basic=view pro=export,view"), "\(delegated)")
            try TollgateCLI.run(["accept", "--dir", agent, chain])

            let sale = ["issue", "--dir", agent, "--customer", "Muster GmbH", "--country", "DE", "--product", "cad", "--model", "subscription",
                        "--price", "EUR:49.00"]
            // A tier the certificate lacks, and a downgrade to one, are refused; nothing is written.
            let gold = try TollgateCLI.outcome(sale + ["--tier", "gold", "--days", "30", "--out", scratch.path("gold.license")])
            #expect(gold.status == 4 && gold.errors.contains("tier_not_allowed"), "\(gold.errors)")
            let viewer = try TollgateCLI.outcome(sale + ["--days", "30", "--then", "downgrade:viewer", "--out", scratch.path("viewer.license")])
            #expect(viewer.status == 4 && viewer.errors.contains("downgrade_tier_not_allowed"), "\(viewer.errors)")
            let perpetual = try TollgateCLI.outcome(sale + ["--grace-days", "3", "--out", scratch.path("perpetual.license")])
            #expect(perpetual.status == 2 && perpetual.errors.contains("--exp"), "\(perpetual.errors)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("gold.license")))
            #expect(!FileManager.default.fileExists(atPath: scratch.path("viewer.license")))

            let licensePath = scratch.path("muster.license")
            let issued = try TollgateCLI.run(sale + ["--tier", "pro", "--days", "30", "--warn-days", "7", "--grace-days", "5",
                                                    "--then", "downgrade:basic", "--out", licensePath])
            #expect(issued.contains("tier pro: export,view") && issued.contains("warn 7 d, grace 5 d, then downgrade to basic"), "\(issued)")
            let exp = try #require(try SignedLicense(compact: LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: licensePath))).license).payload.exp)

            let node = try NodeProcess(directory: URL(fileURLWithPath: agent))
            let wallet = scratch.path("wallet")
            try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", vendor + "/anchor.pub", "--product", "cad"])
            try TollgateCLI.run(["machine", "activate", "--dir", wallet, "--node", node.baseURL, "--license", licensePath, "--country", "DE"])

            func check(at time: Int64) throws -> (TollgateCLI.Outcome, [String: Any]) {
                let text = try TollgateCLI.outcome(["machine", "check", "--dir", wallet, "--at", String(time)])
                let json = try TollgateCLI.outcome(["machine", "check", "--dir", wallet, "--at", String(time), "--json"])
                return (text, try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]))
            }
            let steps: [(at: Int64, state: String, days: Int?, features: [String])] = [
                (exp - 10 * Self.day, "active", 3, ["export", "view"]),
                (exp - 2 * Self.day, "expiring", 2, ["export", "view"]),
                (exp + 1 * Self.day, "grace", 4, ["export", "view"]),
                (exp + 6 * Self.day, "downgraded", nil, ["view"]),
            ]
            for step in steps {
                let (text, json) = try check(at: step.at)
                #expect(text.status == 0, "\(step.state): \(text.output)\(text.errors)")
                #expect(text.output.contains("state:      \(step.state)"), "\(text.output)")
                #expect(json["state"] as? String == step.state, "\(json)")
                #expect(json["days_left"] as? Int == step.days, "\(step.state): \(json)")
                #expect(json["features"] as? [String] == step.features, "\(json)")
                if let days = step.days { #expect(text.output.contains("\(step.state), \(days) day"), "\(text.output)") }
            }
            #expect(try check(at: exp + 6 * Self.day).0.output.contains("product:    cad [view] (tier basic, downgraded from pro)"))

            // The clock set back before the latest check is caught, and the wallet keeps its time.
            let rolledBack = try TollgateCLI.outcome(["machine", "check", "--dir", wallet, "--at", String(exp - 10 * Self.day)])
            #expect(rolledBack.status == 1 && rolledBack.output.contains("NOT LICENSED: clock_rolled_back in machine clock"), "\(rolledBack.output)")
            #expect(try check(at: exp + 7 * Self.day).1["state"] as? String == "downgraded")

            // `machine status` asks the node and prints this machine's state as of now, which the wallet has
            // seen past already: the clock reads as set back.
            let status = try TollgateCLI.outcome(["machine", "status", "--dir", wallet, "--node", node.baseURL])
            #expect(status.status == 0, "\(status.errors)")
            #expect(status.output.contains("state:       NOT LICENSED here: clock_rolled_back"), "\(status.output)")
            node.expectCleanExit()
        }

        /// `machine status` prints the state of a fresh machine from its own offline check.
        @Test func machineStatusPrintsTheStateAndDaysLeft() throws {
            let channel = try OfflineChannel("tiers-status")
            let licensePath = channel.scratch.path("muster.license")
            try TollgateCLI.run(channel.issueArguments(out: licensePath, ["model": "subscription", "days": "30", "warn-days": "40"]))
            let node = try NodeProcess(directory: URL(fileURLWithPath: channel.agent))
            let wallet = channel.scratch.path("wallet")
            try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", channel.anchor, "--product", "cad"])
            try TollgateCLI.run(["machine", "activate", "--dir", wallet, "--node", node.baseURL, "--license", licensePath, "--country", "DE"])
            let status = try TollgateCLI.run(["machine", "status", "--dir", wallet, "--node", node.baseURL])
            #expect(status.range(of: #"state:       expiring, (29|30) days left \(until "#, options: .regularExpression) != nil, "\(status)")
            node.expectCleanExit()
        }
    }
}
