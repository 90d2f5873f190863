import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// `tollgate issue --orders` and `renew --orders` against a running regional agent: a file of 50
    /// orders issues 50 licenses; running it again issues none and prints `existing`; a file with one
    /// bad row issues none and names the row's line and field; bulk renewals rerun the same way.
    @Suite struct BulkOrderTests {
        static func json(_ text: String) throws -> [[String: Any]] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "no JSON array: \(text)")
        }

        @Test func anOrdersFileIssuesOnceAndARefusedFileIssuesNothing() throws {
            let channel = try ChannelFixture("bulk-orders")
            defer { _ = channel.stop() }
            let api = try NodeAPIClient(channel.regional)
            let remote = ["--node", channel.regional.baseURL, "--token-file", channel.regional.directory.appendingPathComponent("operator.token").path]
            let orders = channel.scratch.url.appendingPathComponent("orders.csv")
            var text = "\u{FEFF}order,customer,country,product,model,price,seats,territory,days\r\n"
            for index in 1...50 {
                let customer = index % 5 == 0 ? "\"Muster \(index), \"\"Best\"\" GmbH\"" : "Customer \(index)"
                let subscription = index % 2 == 0
                text += "PO-\(index),\(customer),DE,cad-pro,\(subscription ? "subscription" : "perpetual"),EUR:49.00,\(index % 3 + 1),\"DE,AT\","
                    + (subscription ? "365" : "") + "\r\n"
            }
            try Data(text.utf8).write(to: orders)
            let licenses = channel.scratch.url.appendingPathComponent("licenses")

            let first = try Self.json(try TollgateCLI.run(["issue", "--orders", orders.path, "--json", "--out-dir", licenses.path] + remote))
            #expect(first.count == 50)
            #expect(first.allSatisfy { $0["status"] as? String == "issued" })
            #expect(first.map { $0["line"] as? Int } == (2...51).map { $0 })
            #expect(Set(first.compactMap { $0["license"] as? String }).count == 50)
            #expect(try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses").count == 50)
            let file = try LicenseFile(data: Data(contentsOf: licenses.appendingPathComponent("PO-5.license")))
            let verified = try channel.verifier.verify(file, at: Int64(Date().timeIntervalSince1970))
            #expect(verified.license.payload.customer == "Muster 5, \"Best\" GmbH")
            #expect(verified.license.hash == first[4]["license"] as? String)

            // Run again (as after a crash mid-file): nothing issued, every order existing, same licenses.
            let again = try TollgateCLI.outcome(["issue", "--orders", orders.path, "--out-dir", licenses.path] + remote)
            #expect(again.status == 0, "\(again.errors)")
            let rows = again.output.split(separator: "\n").dropFirst()
            #expect(rows.count == 50)
            #expect(rows.allSatisfy { $0.hasSuffix("existing") })
            #expect(try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses").count == 50)

            // A file with one bad row issues nothing and names the row.
            let bad = channel.scratch.url.appendingPathComponent("bad.csv")
            var badText = "order,customer,country,product,model,price\n"
            for index in 1...10 { badText += "NEW-\(index),New \(index),DE,cad-pro,perpetual,\(index == 7 ? "EUR:1.00" : "EUR:49.00")\n" }
            try Data(badText.utf8).write(to: bad)
            let refused = try TollgateCLI.outcome(["issue", "--orders", bad.path, "--csv"] + remote)
            #expect(refused.status == 4)
            let records = try CSVRecords.parse(refused.output)
            #expect(records.first == ["line", "order", "license", "serials", "status", "field", "code", "reason"])
            #expect(records.dropFirst().map { Array($0.prefix(2)) + [$0[4], $0[5], $0[6]] } == [["8", "NEW-7", "error", "price", "price_below_floor"]])
            #expect(try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses").count == 50)

            // Bulk renewals of the subscriptions, by the ids `issue` printed; a rerun renews nothing.
            let renewals = channel.scratch.url.appendingPathComponent("renewals.csv")
            let subscriptions = first.filter { ($0["line"] as? Int ?? 0) % 2 == 1 }.prefix(5)
            try Data(("order,license,days,price\n" + subscriptions.enumerated().map { offset, row in
                "RN-\(offset),\(String((row["license"] as? String ?? "").prefix(12))),400,EUR:45.00\n"
            }.joined()).utf8).write(to: renewals)
            let renewed = try Self.json(try TollgateCLI.run(["renew", "--orders", renewals.path, "--json"] + remote))
            #expect(renewed.map { $0["status"] as? String } == Array(repeating: "issued", count: 5))
            let rerun = try Self.json(try TollgateCLI.run(["renew", "--orders", renewals.path, "--json"] + remote))
            #expect(rerun.map { $0["status"] as? String } == Array(repeating: "existing", count: 5))
            #expect(rerun.map { $0["license"] as? String } == renewed.map { $0["license"] as? String })
            #expect(try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses").count == 55)
        }

        /// On a node directory: `issue --order` twice gives one license, the same file, and says so;
        /// other terms are refused as order_conflict; a subscription renewed by order reruns the same.
        @Test func aSingleOrderOnADirectoryIsIssuedOnce() throws {
            let scratch = try TemporaryDirectory("e2e-single-order")
            let vendor = scratch.path("vendor")
            try TollgateCLI.run(["root", "init", "--dir", vendor, "--name", "vendor"])
            try TollgateCLI.run(["delegate", "--dir", vendor, "--to-self", "--seats", "100", "--countries", "DE", "--product", "cad=export",
                                 "--models", "perpetual,subscription", "--price-floor", "EUR:10.00", "--out", scratch.path("own.chain")])
            try TollgateCLI.run(["accept", "--dir", vendor, scratch.path("own.chain")])
            let sale = ["issue", "--dir", vendor, "--order", "SO-1", "--customer", "Solo", "--country", "DE", "--product", "cad",
                        "--model", "subscription", "--days", "30", "--out", scratch.path("solo.license")]
            let first = try TollgateCLI.run(sale + ["--price", "EUR:20.00"])
            #expect(first.hasPrefix("issued license"), "\(first)")
            let bytes = try Data(contentsOf: scratch.url.appendingPathComponent("solo.license"))
            let again = try TollgateCLI.run(sale + ["--price", "EUR:20.00"])
            #expect(again.hasPrefix("order SO-1 was already issued as license"), "\(again)")
            #expect(try Data(contentsOf: scratch.url.appendingPathComponent("solo.license")) == bytes)
            let other = try TollgateCLI.outcome(sale + ["--price", "EUR:25.00"])
            #expect(other.status == 4 && other.errors.contains("order_conflict"), "\(other.errors)")
            let license = try SignedLicense(compact: LicenseFile(data: bytes).license).hash
            let renew = ["renew", "--dir", vendor, "--order", "SR-1", "--license", String(license.prefix(12)), "--days", "60",
                         "--out", scratch.path("renewed.license")]
            #expect(try TollgateCLI.run(renew).hasPrefix("renewed Solo's license as"))
            #expect(try TollgateCLI.run(renew).hasPrefix("order SR-1 was already renewed"))
        }
    }
}
