import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// Piracy monitoring over real processes: the regional agent refuses an over-activation with
    /// the same answer as ever, its log carries the refusal up two syncs, and the vendor's
    /// `tollgate report piracy` (JSON and CSV) counts it under that agent, while the vendor's
    /// console lists it with the customer's hostile name escaped.
    @Suite struct PiracyMonitoringTests {
        static let customer = "<script>alert(1)</script>"

        @Test func anOverActivationRefusedByARegionalAgentReachesTheRootsReportAndConsole() throws {
            let channel = try ChannelFixture("piracy")
            let remote = channel.vendorOperator
            let api = try NodeAPIClient(channel.regional)
            let file = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: ChannelFixture.sale(customer: Self.customer, seats: 1))
            let license = try SignedLicense(compact: file.license).hash
            _ = try api.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations", body: try TestMachine().body(.activate, license: license),
                               contentType: "application/jose")
            let intruder = try TestMachine(country: "AT")
            let refused = try api.send(.post, "/v1/activations", body: try intruder.body(.activate, license: license), contentType: "application/jose")
            #expect(refused.status.code == 409 && refused.problemDetails?.type == ProblemType.named("seats-in-use"), "\(refused.bodyText)")
            // Not even a machine request: answered as before, and no attempt to record.
            #expect(try api.send(.post, "/v1/activations", body: Array("garbage".utf8), contentType: "application/jose").status.code == 400)
            try channel.syncUp()

            let report = try ReportTests.json(["report", "piracy", "--json"] + remote)
            let rows = ReportTests.rows(report, "piracy")
            #expect(rows.map { $0["name"] as? String } == ["vendor", "ga-europe", "ra-dach"])
            let regional = try #require(rows.last)
            #expect(regional["refused"] as? Int == 1 && regional["over_activation_attempts"] as? Int == 1 && regional["over_leasing_attempts"] as? Int == 0,
                    "\(regional)")
            #expect((regional["refused_by_code"] as? [[String: Any]])?.map { $0["key"] as? String } == ["seats_in_use"])
            #expect(rows.dropLast().allSatisfy { $0["refused"] as? Int == 0 })
            let listed = try #require(ReportTests.rows(report, "refusals").first)
            #expect(listed["name"] as? String == "ra-dach" && listed["customer"] as? String == Self.customer && listed["country"] as? String == "AT", "\(listed)")
            #expect(ReportTests.rows(report, "as_of").last?["partial"] as? Bool == true)

            let csv = try CSVRecords.parse(try TollgateCLI.run(["report", "piracy", "--csv"] + remote))
            #expect(csv.first?.prefix(8) == ["node", "name", "parent", "from", "to", "refused", "over_activation_attempts", "over_leasing_attempts"])
            #expect(csv.dropFirst().map { [$0[1], $0[5], $0[6], $0[13]] } == [["vendor", "0", "0", ""], ["ga-europe", "0", "0", ""],
                                                                               ["ra-dach", "1", "1", "seats_in_use=1"]])
            let text = try TollgateCLI.run(["report", "piracy"] + remote)
            #expect(text.contains("piracy monitoring") && text.contains("seats_in_use"), "\(text)")

            let browser = try ConsoleBrowser(port: channel.vendor.port)
            let form = try browser.send("GET", "/console/login")
            let login = try browser.send("POST", "/console/login", form: ["token": try channel.vendor.token, "csrf": try ConsoleBrowser.csrf(in: form)])
            #expect(login.status == 303, "\(login.status) \(login.bodyText)")
            let page = try browser.send("GET", "/console/refusals")
            #expect(page.status == 200 && page.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
            #expect(page.bodyText.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.bodyText.contains(Self.customer), "\(page.bodyText.prefix(3000))")
            #expect(page.bodyText.contains("seats_in_use") && page.bodyText.contains("ra-dach"))
            #expect(try browser.send("GET", "/console").bodyText.contains("<a href=\"/console/refusals\">Refused activations</a>"))
            for status in channel.stop() { #expect(status == 0) }
        }
    }
}
