import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// Maintenance and the enforcement policy over real processes (issue 20): a lenient license for
    /// one machine activated on two, the second warned and reported at the root after a sync with no
    /// over-activation finding; a maintained perpetual license that runs an older release and refuses
    /// a newer one, offline.
    @Suite struct MaintenanceAndEnforcementFlowTests {
        static let day: Int64 = 86_400

        @Test func aLenientLicenseWarnsOnOverUseAndTheRootReportsIt() throws {
            let channel = try ChannelFixture("lenient", enforcement: ["lenient", "strict"])
            var sale = ChannelFixture.sale(customer: "Muster GmbH", seats: 1)
            sale["enforcement"] = "lenient"
            let file = try channel.regionalAPI.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale)
            let licensePath = channel.scratch.path("lenient.license")
            try file.encoded().write(to: URL(fileURLWithPath: licensePath))
            var outputs: [String] = []
            for name in ["first", "second"] {
                let wallet = channel.scratch.path(name)
                try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", channel.vendor.directory.path + "/anchor.pub", "--product", "cad-pro"])
                outputs.append(try TollgateCLI.run(["machine", "activate", "--dir", wallet, "--node", channel.regional.baseURL, "--license", licensePath,
                                                    "--country", "DE"]))
            }
            #expect(!outputs[0].contains("WARNING"), "\(outputs[0])")
            #expect(outputs[1].contains("ACTIVATED") && outputs[1].contains("WARNING:    over-use: this machine is 1 beyond the license's 1 seat(s)"), "\(outputs[1])")
            let check = try ReportTests.json(["machine", "check", "--dir", channel.scratch.path("second"), "--json"])
            #expect(check["valid"] as? Bool == true && check["over_use"] as? Int == 1 && (check["warnings"] as? [String])?.count == 1, "\(check)")

            try channel.syncUp()
            let report = try ReportTests.json(["report", "piracy", "--json"] + channel.vendorOperator)
            let rows = ReportTests.rows(report, "piracy")
            #expect(rows.map { $0["lenient_over_use"] as? Int } == [0, 0, 1], "\(rows)")
            #expect(rows.last?["over_activation_findings"] as? Int == 0)
            let text = try TollgateCLI.run(["report", "piracy"] + channel.vendorOperator)
            #expect(text.contains("over-use (lenient)"), "\(text)")
            let audit = try TollgateCLI.outcome(["audit", "--json"] + channel.vendorOperator)
            #expect(!audit.output.contains("over_activation"), "\(audit.output)")
            // The machine's status check at the node prints the warning from its own offline check.
            let status = try TollgateCLI.run(["machine", "status", "--dir", channel.scratch.path("second"), "--node", channel.regional.baseURL])
            #expect(status.contains("WARNING:     over-use"), "\(status)")
            for status in channel.stop() { #expect(status == 0) }
        }

        @Test func aMaintainedLicenseRunsAnOlderReleaseAndRefusesANewerOneOffline() throws {
            let channel = try OfflineChannel("maintenance")
            let licensePath = channel.scratch.path("maintained.license")
            let now = Int64(Date().timeIntervalSince1970)
            let until = now / Self.day * Self.day + 90 * Self.day
            let issued = try TollgateCLI.run(channel.issueArguments(out: licensePath, ["updates-until": String(until)]))
            #expect(issued.contains("maintenance: releases up to \(TimeText.iso(until))"), "\(issued)")
            let node = try NodeProcess(directory: URL(fileURLWithPath: channel.agent))
            let wallet = channel.scratch.path("wallet")
            try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", channel.anchor, "--product", "cad"])
            try TollgateCLI.run(["machine", "activate", "--dir", wallet, "--node", node.baseURL, "--license", licensePath, "--country", "DE"])
            node.expectCleanExit()

            // Offline from here: the node is gone.
            let older = try TollgateCLI.outcome(["machine", "check", "--dir", wallet, "--release-date", String(until - 60 * Self.day)])
            #expect(older.status == 0 && older.output.contains("maintenance: "), "\(older.output)\(older.errors)")
            let newer = try TollgateCLI.outcome(["machine", "check", "--dir", wallet, "--release-date", String(until + 30 * Self.day)])
            #expect(newer.status == 1 && newer.output.contains("NOT LICENSED: release_after_maintenance"), "\(newer.output)")
            #expect(newer.output.contains(TimeText.iso(until + 30 * Self.day)) && newer.output.contains(TimeText.iso(until)), "\(newer.output)")
            let json = try TollgateCLI.outcome(["machine", "check", "--dir", wallet, "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
            #expect(json.status == 0 && object["updates_until"] as? Int == Int(until) && object["maintenance"] as? String == "maintained", "\(object)")
            // Past the maintenance end the license still runs (no release given): perpetual fallback.
            let later = try TollgateCLI.outcome(["machine", "check", "--dir", wallet, "--at", String(until + 400 * Self.day)])
            #expect(later.status == 0 && later.output.contains("maintenance: lapsed at \(TimeText.iso(until))"), "\(later.output)")

            // The maintenance renewed at the agent: a license of the lineage with a later updates_until, priced above the floor.
            let hash = JWS.hash(of: try LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: licensePath))).license)
            let renewedPath = channel.scratch.path("renewed.license"), renewedUntil = until + 200 * Self.day
            let renew = ["renew", "--dir", channel.agent, "--license", String(hash.prefix(12)), "--updates-until", String(renewedUntil),
                         "--out", renewedPath]
            let cheap = try TollgateCLI.outcome(renew + ["--price", "EUR:0.50"])
            #expect(cheap.status == 4 && cheap.errors.contains("price_below_floor"), "\(cheap.errors)")
            let renewed = try TollgateCLI.run(renew + ["--price", "EUR:10.00"])
            #expect(renewed.contains("renewed Muster GmbH's maintenance") && renewed.contains(TimeText.iso(renewedUntil)), "\(renewed)")
            let claims = try SignedLicense(compact: LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: renewedPath))).license).payload
            #expect(claims.updatesUntil == renewedUntil && claims.renews == hash && claims.exp == nil)
        }
    }
}
