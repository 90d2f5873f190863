import Foundation
import Testing
import TollgateCertificates
import TollgateNode
import TollgateTestSupport

extension EndToEnd {
    /// Metered use with real processes and the CLI only: the regional agent sells a metered
    /// license; one machine records use online past the allowance (allowed up to ×1.5, refused past
    /// it offline) and uploads it, another carries its records to the operator as a file and
    /// installs the receipt; a machine restored from an old wallet records again and forks its
    /// chain; the records sync up through the general agent and the vendor bills each unit once,
    /// overage priced, and its audit finds the fork with evidence that re-checks from the anchor.
    @Suite struct MeteredUseFlowTests {
        @Test func usageIsUploadedCarriedReceiptedSyncedBilledAndAForkIsFound() throws {
            let channel = try ChannelFixture("metered", models: ["metered", "perpetual", "subscription"])
            channel.general.expectCleanExit()
            channel.regional.expectCleanExit()
            let general = try NodeProcess(directory: channel.general.directory,
                                          extraArguments: ["--parent", channel.vendor.baseURL, "--sync-interval", "1"])
            let regional = try NodeProcess(directory: channel.regional.directory,
                                           extraArguments: ["--parent", general.baseURL, "--sync-interval", "1"])
            let scratch = channel.scratch
            let anchor = channel.vendor.directory.appendingPathComponent("anchor.pub").path
            let regionalOperator = ["--node", regional.baseURL, "--token-file", regional.directory.appendingPathComponent("operator.token").path]
            let vendorOperator = ["--node", channel.vendor.baseURL, "--token-file", channel.vendor.directory.appendingPathComponent("operator.token").path]

            let licensePath = scratch.path("zaehler.license")
            let issued = try TollgateCLI.run(["issue", "--customer", "Zähler AG", "--country", "DE", "--product", "cad-pro", "--model", "metered",
                                              "--days", "365", "--price", "EUR:49.00", "--seats", "2", "--allowance", "render=100",
                                              "--overage", "allow:1.5", "--unit-price", "EUR:0.02", "--out", licensePath] + regionalOperator)
            #expect(issued.contains("metered: render=100/month, allow:1.5, EUR 0.02 per unit"), "\(issued)")
            let missing = try TollgateCLI.outcome(["issue", "--customer", "X", "--country", "DE", "--product", "cad-pro", "--model", "metered",
                                                   "--days", "30", "--price", "EUR:49.00", "--out", scratch.path("x.license")] + regionalOperator)
            #expect(missing.status == 2 && missing.errors.contains("--allowance"), "\(missing.errors)")

            // The online machine: 60 + 50 units of an allowance of 100, allowed up to 150; 50 more refused.
            let online = scratch.path("online"), carried = scratch.path("carried")
            for wallet in [online, carried] {
                try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", anchor, "--product", "cad-pro"])
                try TollgateCLI.run(["machine", "activate", "--dir", wallet, "--node", regional.baseURL, "--license", licensePath, "--country", "DE"])
            }
            try TollgateCLI.run(["machine", "use", "--dir", online, "--feature", "render", "--units", "60"])
            let snapshot = try Data(contentsOf: URL(fileURLWithPath: online).appendingPathComponent("usage.json"))
            let second = try TollgateCLI.run(["machine", "use", "--dir", online, "--feature", "render", "--units", "50"])
            #expect(second.contains("110 this month") && second.contains("allowance of 100"), "\(second)")
            let refused = try TollgateCLI.outcome(["machine", "use", "--dir", online, "--feature", "render", "--units", "50"])
            #expect(refused.status == 1 && refused.errors.contains("usage_beyond_allowance"), "\(refused.errors)")
            let uploaded = try TollgateCLI.run(["machine", "usage", "upload", "--dir", online, "--node", regional.baseURL])
            #expect(uploaded.contains("logged 2 new records") && uploaded.contains("receipt for record 2"), "\(uploaded)")
            let again = try TollgateCLI.run(["machine", "usage", "upload", "--dir", online, "--node", regional.baseURL, "--all"])
            #expect(again.contains("logged 0 new records (2 it held already)"), "\(again)")

            // The carried machine: its records travel as a file, the receipt comes back as one.
            try TollgateCLI.run(["machine", "use", "--dir", carried, "--feature", "render", "--units", "30"])
            let usageFile = scratch.path("carried.usage"), receiptFile = scratch.path("carried.receipt")
            try TollgateCLI.run(["machine", "usage", "export", "--dir", carried, "--out", usageFile])
            let answered = try TollgateCLI.run(["answer-usage", usageFile, "--out", receiptFile] + regionalOperator)
            #expect(answered.contains("logged 1 usage records"), "\(answered)")
            let installed = try TollgateCLI.run(["machine", "usage", "install", "--dir", carried, receiptFile])
            #expect(installed.contains("receipt for record 1"), "\(installed)")
            let nothingLeft = try TollgateCLI.outcome(["machine", "usage", "export", "--dir", carried, "--out", scratch.path("empty.usage")])
            #expect(nothingLeft.status != 0 && nothingLeft.errors.contains("nothing to send"), "\(nothingLeft.errors)")

            // The online machine restored from the wallet it had after its first record: it records again.
            try snapshot.write(to: URL(fileURLWithPath: online).appendingPathComponent("usage.json"))
            try TollgateCLI.run(["machine", "use", "--dir", online, "--feature", "render", "--units", "5"])
            let forked = try TollgateCLI.outcome(["machine", "usage", "upload", "--dir", online, "--node", regional.baseURL, "--all"])
            #expect(forked.status != 0 && forked.errors.contains("FORKS"), "\(forked.output)\(forked.errors)")

            // The vendor bills, once the records reach it: 110 + 30 units, 10 over the online machine's allowance.
            struct Billing: Decodable {
                struct Row: Decodable { var customer: String; var machines: Int; var records: Int; var units: Int64; var allowance: Int64
                    var overageUnits: Int64; var overagePrice: Int64; var currency: String }
                var usage: [Row]?
            }
            var billing: Billing?
            let deadline = ContinuousClock.now + .seconds(40)
            while ContinuousClock.now < deadline {
                let text = try TollgateCLI.run(["report", "usage", "--json"] + vendorOperator)
                let decoder = JSONDecoder()
                decoder.keyDecodingStrategy = .convertFromSnakeCase
                billing = try decoder.decode(Billing.self, from: Data(text.utf8))
                if billing?.usage?.first?.records == 3 { break }
                Thread.sleep(forTimeInterval: 0.3)
            }
            let row = try #require(billing?.usage?.first, "the vendor never billed the usage")
            #expect(row.customer == "Zähler AG" && row.machines == 2 && row.records == 3 && row.units == 140 && row.allowance == 200)
            #expect(row.overageUnits == 10 && row.overagePrice == 20 && row.currency == "EUR")
            let csv = try TollgateCLI.run(["report", "usage", "--csv", "--period", MonthPeriod.of(Int64(Date().timeIntervalSince1970))] + vendorOperator)
            #expect(csv.hasPrefix("customer,license,node,period,feature,"), "\(csv)")
            let badPeriod = try TollgateCLI.outcome(["report", "usage", "--period", "2026-13"] + vendorOperator)
            #expect(badPeriod.status != 0 && badPeriod.errors.contains("YYYY-MM"), "\(badPeriod.errors)")

            // The vendor's audit finds the fork, naming the machine, and the evidence re-checks.
            var findingsText = ""
            while ContinuousClock.now < deadline + .seconds(20) {
                findingsText = try TollgateCLI.outcome(["audit", "--json"] + vendorOperator).output
                if findingsText.contains("usage_fork") { break }
                Thread.sleep(forTimeInterval: 0.3)
            }
            let findings = try JSONDecoder().decode([AuditFinding].self, from: Data(findingsText.utf8))
            let fork = try #require(findings.first { $0.kind == .usageFork }, "\(findingsText)")
            #expect(fork.nodeName.hasPrefix("machine ") && fork.nodeName.hasSuffix("Zähler AG"))
            #expect(findings.allSatisfy { $0.kind == .usageFork }, "\(findings.map(\.kind))")
            let findingsFile = scratch.path("findings.json")
            try Data(findingsText.utf8).write(to: URL(fileURLWithPath: findingsFile))
            let checked = try TollgateCLI.run(["audit", "--check", findingsFile, "--anchor", anchor])
            #expect(checked.contains("\(findings.count) passed, 0 failed"), "\(checked)")

            regional.expectCleanExit()
            general.expectCleanExit()
            channel.vendor.expectCleanExit()
        }
    }
}
