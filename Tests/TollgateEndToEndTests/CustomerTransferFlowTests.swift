import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// Customer transfers over real processes: the regional agent's operator merges one customer
    /// into another with `tollgate transfer`, a bad transfer is refused naming its problem, and after
    /// a sync the vendor's entitlement history of the buyer holds the merged customer's license.
    @Suite struct CustomerTransferFlowTests {
        @Test func aMergeAtTheRegionalAgentFollowsTheCustomerIntoTheVendorsHistory() throws {
            let channel = try ChannelFixture("transfer")
            let file = try channel.regionalAPI.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: ChannelFixture.sale(customer: "Muster GmbH"))
            let license = try SignedLicense(compact: file.license).hash
            _ = try channel.regionalAPI.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: ChannelFixture.sale(customer: "Other KG"))
            let regional = ["--node", channel.regional.baseURL, "--token-file", channel.regional.directory.appendingPathComponent("operator.token").path]

            let mismatch = try TollgateCLI.outcome(["transfer", "--from", "Other KG", "--to", "Buyer AG", "--licenses", String(license.prefix(8))] + regional)
            #expect(mismatch.status != 0 && mismatch.errors.contains("customer_mismatch") && mismatch.errors.contains("Muster GmbH"), "\(mismatch)")
            let merged = try TollgateCLI.run(["transfer", "--from", "Muster GmbH", "--to", "Buyer AG"] + regional)
            #expect(merged.contains("moved 1 license from Muster GmbH to Buyer AG (merge): \(HashID.short(license))"), "\(merged)")

            try channel.syncUp()
            let report = try ReportTests.json(["report", "customer", "--customer", "Buyer AG", "--json"] + channel.vendorOperator)
            let events = ReportTests.rows(report, "history").compactMap { $0["event"] as? String }
            #expect(events == ["license issued", "transferred from Muster GmbH"], "\(report)")
            let audit = try TollgateCLI.outcome(["audit", "--json"] + channel.vendorOperator)
            #expect(audit.status == 0, "no finding: \(audit)")
            for status in channel.stop() { #expect(status == 0) }
        }
    }
}
