import Foundation
import Testing
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages

extension EndToEnd {
    /// Node to node: agents served with `--parent` push their logs up (the general agent relaying the
    /// regional agent's) and pull from their parents, so the vendor sees every sale and activation,
    /// and its audit of an honest channel finds nothing.
    @Suite struct SyncAuditTests {
        @Test func salesAndRehostsReachTheVendorAndAuditClean() throws {
            let channel = try ChannelFixture("sync")
            // Serve the agents again, now syncing with their parents (they know them since the wiring).
            channel.general.expectCleanExit()
            channel.regional.expectCleanExit()
            let general = try NodeProcess(directory: channel.general.directory,
                                          extraArguments: ["--parent", channel.vendor.baseURL, "--sync-interval", "1"])
            let regional = try NodeProcess(directory: channel.regional.directory,
                                           extraArguments: ["--parent", general.baseURL, "--sync-interval", "1"])
            let api = try NodeAPIClient(regional)

            // A sale, then its one seat handed from machine to machine, each rehost with proof, and an
            // emergency stand-in for the last machine. Seats given back and taken again within one
            // second are not two machines at once.
            let file = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: ChannelFixture.sale(customer: "Muster GmbH"))
            let license = try SignedLicense(compact: file.license).hash
            var machine = try TestMachine()
            var activation = try api.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                            body: try machine.body(.activate, license: license), contentType: "application/jose").activation
            for _ in 0..<4 {
                let hash = try SignedActivation(compact: activation).hash
                _ = try api.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                   body: try machine.body(.deactivate, license: license, activation: hash), contentType: "application/jose")
                machine = try TestMachine()
                activation = try api.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                            body: try machine.body(.activate, license: license), contentType: "application/jose").activation
            }
            let standIn = try TestMachine()
            _ = try api.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                               body: try standIn.body(.emergency, license: license, activation: try SignedActivation(compact: activation).hash),
                               contentType: "application/jose")

            // The vendor sees the sale and the one seat in use, through the general agent.
            var regionalRow: Wire.QuotaRow?
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let report = try channel.vendorAPI.expect(Wire.QuotaReport.self, status: 200, .get, "/v1/reports/quota")
                regionalRow = report.quota?.first { $0.name == "ra-dach" }
                if regionalRow?.issued == 1 && regionalRow?.activated == 1 { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            #expect(regionalRow?.issued == 1, "the vendor's quota report never showed ra-dach's sale")
            #expect(regionalRow?.activated == 1)

            let findings = try channel.vendorAPI.expect([Wire.Finding].self, status: 200, .post, "/v1/audit/runs")
            #expect(findings.isEmpty, "an honest channel has findings: \(findings.map { "\($0.kind): \($0.summary)" })")

            regional.expectCleanExit()
            general.expectCleanExit()
            channel.vendor.expectCleanExit()
        }
    }
}
