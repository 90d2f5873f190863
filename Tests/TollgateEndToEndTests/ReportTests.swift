import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// The vendor's reports over real processes: a root, a general and a regional agent on
    /// loopback. Right after a sale and an activation at the regional agent the root's report says
    /// its view of the regional is as of the last sync; after the next sync it counts them, rows in
    /// channel-tree order; the customer's history comes as CSV with the awkward name intact.
    @Suite struct ReportTests {
        /// JSON as `tollgate … --json` prints it.
        static func json(_ arguments: [String]) throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(try TollgateCLI.run(arguments).utf8))
            return try #require(object as? [String: Any], "\(arguments) printed no JSON object")
        }

        static func rows(_ report: [String: Any], _ key: String) -> [[String: Any]] {
            report[key] as? [[String: Any]] ?? []
        }

        @Test func theRootsReportSaysItsViewOfARegionalLagsUntilTheNextSync() throws {
            let channel = try ChannelFixture("reports")
            let remote = channel.vendorOperator
            try channel.syncUp()
            let synced = Int64(Date().timeIntervalSince1970)

            let customer = "Muster, \"Quote\" GmbH"
            let api = try NodeAPIClient(channel.regional)
            let year: Int64 = 365 * 86_400
            var sale = ChannelFixture.sale(customer: customer, model: "subscription", amount: 120_000, exp: synced + year)
            sale["nbf"] = synced
            let file = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale)
            let license = try SignedLicense(compact: file.license).hash
            let machine = try TestMachine(platform: "windows-x86_64")
            _ = try api.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                               body: try machine.body(.activate, license: license), contentType: "application/jose")
            let regionalSize = try #require(Self.rows(try Self.json(["report", "quota", "--json", "--node", channel.regional.baseURL, "--token-file",
                                                                     channel.regional.directory.appendingPathComponent("operator.token").path]), "as_of")
                .first?["log_size"] as? Int)

            // Before the sync: 0 activations for ra-dach, and the report says that is its log as of the last sync.
            let before = try Self.json(["report", "quota", "--json"] + remote)
            #expect(Self.rows(before, "quota").first { $0["name"] as? String == "ra-dach" }?["activated"] as? Int == 0)
            let lagging = try #require(Self.rows(before, "as_of").first { $0["name"] as? String == "ra-dach" })
            #expect(lagging["partial"] as? Bool == true)
            #expect(try #require(lagging["log_size"] as? Int) < regionalSize, "\(lagging)")
            #expect(try #require(lagging["checkpoint_at"] as? Int) <= Int(synced), "\(lagging)")
            let text = try TollgateCLI.run(["report", "quota"] + remote)
            #expect(text.contains("as of (a descendant's figures reflect its log up to the last checkpoint this node holds)"), "\(text)")

            try channel.syncUp()
            let after = try Self.json(["report", "quota", "--json"] + remote)
            #expect(Self.rows(after, "quota").map { $0["name"] as? String } == ["vendor", "ga-europe", "ra-dach"])
            #expect(Self.rows(after, "as_of").map { $0["depth"] as? Int } == [0, 1, 2])
            let row = try #require(Self.rows(after, "quota").first { $0["name"] as? String == "ra-dach" })
            #expect(row["issued"] as? Int == 1 && row["activated"] as? Int == 1, "\(row)")
            #expect(Self.rows(after, "as_of").first { $0["name"] as? String == "ra-dach" }?["log_size"] as? Int == regionalSize)

            let platforms = Self.rows(try Self.json(["report", "activations", "--json"] + remote), "activations_by_platform")
            #expect(platforms.map { $0["key"] as? String } == ["windows-x86_64"])

            // The history as CSV: the name with its comma and quotes reads back, issued before activated.
            let csv = try CSVRecords.parse(try TollgateCLI.run(["report", "customer", "--customer", customer, "--csv"] + remote))
            #expect(csv.first == ["customer", "at", "event", "node", "log_index", "detail"])
            #expect(csv.dropFirst().map { $0[0] } == [customer, customer])
            #expect(csv.dropFirst().map { $0[2] } == ["license issued", "activated"])

            // ARR 1,200.00 for a year's subscription at 1,200.00 on one seat; MRR a twelfth.
            let recurring = try Self.json(["report", "recurring", "--json", "--at", "\(synced + 60)"] + remote)
            #expect(recurring["recurring_at"] as? Int == Int(synced + 60))
            let agent = try #require(Self.rows(recurring, "recurring").first { $0["dimension"] as? String == "agent" })
            #expect(agent["key"] as? String == "ra-dach" && agent["currency"] as? String == "EUR")
            #expect(agent["annual_recurring"] as? Int == 120_000 && agent["monthly_recurring"] as? Int == 10_000, "\(agent)")
            #expect(Self.rows(try Self.json(["report", "recurring", "--json", "--at", "\(synced + 2 * year)"] + remote), "recurring").isEmpty)
            // Thirty days before its end the subscription is renewal risk, with its ARR at stake.
            let risk = try Self.json(["report", "renewals", "--json", "--at", "\(synced + year - 10 * 86_400)", "--days", "30"] + remote)
            let atRisk = try #require(Self.rows(risk, "renewal_risk").first)
            #expect(atRisk["state"] as? String == "expiring" && atRisk["customer"] as? String == customer && atRisk["days_left"] as? Int == 10, "\(atRisk)")
            #expect(atRisk["annual_recurring"] as? Int == 120_000)
            let riskText = try TollgateCLI.run(["report", "renewals", "--at", "\(synced + year - 10 * 86_400)"] + remote)
            #expect(riskText.contains("expiring") && riskText.contains("10 days left"), "\(riskText)")
            // The forecast puts its renewal in the month it ends; retention a year on counts it churned.
            let forecast = try CSVRecords.parse(try TollgateCLI.run(["report", "forecast", "--csv", "--at", "\(synced + 60)", "--days", "400"] + remote))
            #expect(forecast.first == ["month", "currency", "renewals", "amount", "saturated"])
            #expect(forecast.dropFirst().map { $0[0] } == [TimeText.month(synced + year)] && forecast.dropFirst().map { $0[3] } == ["120000"])
            let retention = try Self.json(["report", "retention", "--json", "--from", "\(synced + 60)", "--at", "\(synced + year + 60)"] + remote)
            let eur = try #require(Self.rows(retention, "retention").first)
            #expect(eur["net_retention_basis_points"] as? Int == 0 && eur["churn"] as? Int == 120_000, "\(eur)")
            // Concentration: the one customer carries all of the EUR ARR, in JSON and in CSV with its awkward name intact.
            let concentration = try #require(Self.rows(try Self.json(["report", "concentration", "--json", "--at", "\(synced + 60)"] + remote), "concentration").first)
            #expect(concentration["currency"] as? String == "EUR" && concentration["customers"] as? Int == 1, "\(concentration)")
            #expect(concentration["annual_recurring"] as? Int == 120_000 && concentration["top_one_basis_points"] as? Int == 10_000, "\(concentration)")
            #expect((concentration["top"] as? [[String: Any]])?.map { $0["customer"] as? String } == [customer])
            let concentrationCSV = try CSVRecords.parse(try TollgateCLI.run(["report", "concentration", "--csv", "--at", "\(synced + 60)"] + remote))
            #expect(concentrationCSV.first?.prefix(8) == ["at", "currency", "customers", "annual_recurring", "top_one_basis_points", "top_ten_basis_points",
                                                          "rank", "customer"])
            #expect(concentrationCSV.dropFirst().map { [$0[1], $0[6], $0[7], $0[9]] } == [["EUR", "1", customer, "10000"]])
            let concentrationText = try TollgateCLI.run(["report", "concentration", "--at", "\(synced + 60)"] + remote)
            #expect(concentrationText.contains("EUR: 1 customers") && concentrationText.contains("largest 100.0%"), "\(concentrationText)")
            #expect(try TollgateCLI.run(["report", "trials"] + remote).contains("no trial issued"))
            #expect(try TollgateCLI.run(["report", "features"] + remote).contains("feature penetration at"))
            let badDays = try TollgateCLI.outcome(["report", "forecast", "--days", "0"] + remote)
            #expect(badDays.status != 0 && badDays.errors.contains("--days"), "\(badDays.errors)")
            let badWindow = try NodeAPIClient(channel.regional).send(.get, "/v1/reports/retention?from=\(synced)&at=\(synced)")
            #expect(badWindow.status.code == 400 && badWindow.problemDetails?.detail?.contains("'from'") == true, "\(badWindow.bodyText)")
            let both = try TollgateCLI.outcome(["report", "quota", "--json", "--csv"] + remote)
            #expect(both.status != 0 && both.errors.contains("choose one of --json and --csv"), "\(both.errors)")
            for status in channel.stop() { #expect(status == 0) }
        }

        /// `report arr-history` over real processes: a subscription sold at the regional agent and
        /// synced is in the root's ARR from the day of its sale, as JSON, CSV and text; windows
        /// longer than 366 days or running past today are refused naming the problem.
        @Test func theRootsARRHistoryCountsTheSaleFromItsDay() throws {
            let channel = try ChannelFixture("arr-history")
            let remote = channel.vendorOperator
            try channel.syncUp()
            let now = Int64(Date().timeIntervalSince1970)
            var sale = ChannelFixture.sale(customer: "Yearly AG", model: "subscription", amount: 120_000, exp: now + 365 * 86_400)
            sale["nbf"] = now
            _ = try NodeAPIClient(channel.regional).expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale)
            try channel.syncUp()

            let history = Self.rows(try Self.json(["report", "arr-history", "--json", "--days", "3"] + remote), "arr_history")
            #expect(history.map { $0["currency"] as? String } == ["EUR", "EUR", "EUR"], "\(history)")
            #expect(history.map { $0["day"] as? String } == (0..<3).map { String(TimeText.iso(now - Int64(2 - $0) * 86_400).prefix(10)) })
            #expect(history.last?["annual_recurring"] as? Int == 120_000 && history.last?["subscriptions"] as? Int == 1, "\(history)")
            #expect(history.first?["annual_recurring"] as? Int == 0, "two days ago the sale was not made yet")
            let today = String(TimeText.iso(now).prefix(10))
            let csv = try CSVRecords.parse(try TollgateCLI.run(["report", "arr-history", "--csv", "--from", today, "--days", "1"] + remote))
            #expect(csv.first == ["day", "at", "currency", "subscriptions", "annual_recurring", "monthly_recurring", "saturated"])
            #expect(csv.dropFirst().map { [$0[0], $0[2], $0[4], $0[5]] } == [[today, "EUR", "120000", "10000"]])
            let text = try TollgateCLI.run(["report", "arr-history", "--days", "1"] + remote)
            #expect(text.contains("ARR in force at the end of each UTC day") && text.contains("1 subscriptions"), "\(text)")

            let tooLong = try TollgateCLI.outcome(["report", "arr-history", "--days", "367"] + remote)
            #expect(tooLong.status != 0 && tooLong.errors.contains("1 to 366 days"), "\(tooLong.errors)")
            let future = try TollgateCLI.outcome(["report", "arr-history", "--from", String(TimeText.iso(now + 2 * 86_400).prefix(10))] + remote)
            #expect(future.status != 0 && future.errors.contains("ends at today"), "\(future.errors)")
            let badDate = try TollgateCLI.outcome(["report", "arr-history", "--from", "yesterday"] + remote)
            #expect(badDate.status != 0 && badDate.errors.contains("--from"), "\(badDate.errors)")
            for status in channel.stop() { #expect(status == 0) }
        }
    }
}
