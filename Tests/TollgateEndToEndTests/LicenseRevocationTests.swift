import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// A refund, end to end with real processes: the regional agent sells and activates a machine,
    /// the general agent revokes the license once the sale has synced up, the regional agent pulls
    /// the revocation down, and the machine's next `machine status` brings it into its wallet: its
    /// offline check then refuses the license with the rule. A machine that is never online takes
    /// the revocation as a file.
    @Suite struct LicenseRevocationTests {
        @Test func aRefundReachesTheMachineThroughItsStatusCheck() throws {
            let channel = try ChannelFixture("revoke-license")
            channel.regional.expectCleanExit()
            let regional = try NodeProcess(directory: channel.regional.directory,
                                           extraArguments: ["--parent", channel.general.baseURL, "--sync-interval", "1"])
            let api = try NodeAPIClient(regional)
            let scratch = channel.scratch
            let licensePath = scratch.path("muster.license")
            let file = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses",
                                      json: ChannelFixture.sale(customer: "Muster GmbH", seats: 3))
            try file.encoded().write(to: URL(fileURLWithPath: licensePath))
            let hash = try SignedLicense(compact: file.license).hash
            let anchor = channel.vendor.directory.appendingPathComponent("anchor.pub").path

            // Two machines activate online while the license is good.
            let online = scratch.path("online-wallet"), offline = scratch.path("offline-wallet")
            for wallet in [online, offline] {
                try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", anchor, "--product", "cad-pro"])
                try TollgateCLI.run(["machine", "activate", "--dir", wallet, "--node", regional.baseURL, "--license", licensePath, "--country", "DE"])
                let check = try TollgateCLI.outcome(["machine", "check", "--dir", wallet])
                #expect(check.status == 0, "\(check.output)\(check.errors)")
            }

            // The general agent revokes it once the sale has reached it; a bad reason is refused first.
            let general = ["--node", channel.general.baseURL, "--token-file", channel.general.directory.appendingPathComponent("operator.token").path]
            let badReason = try TollgateCLI.outcome(["revoke", "--license", String(hash.prefix(8)), "--reason", "goodwill"] + general)
            #expect(badReason.status == 2 && badReason.errors.contains("refund"), "\(badReason.errors)")
            let revocationPath = scratch.path("refund.revocation")
            var revoked: TollgateCLI.Outcome?
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let attempt = try TollgateCLI.outcome(["revoke", "--license", String(hash.prefix(8)), "--reason", "refund", "--out", revocationPath] + general)
                revoked = attempt
                if attempt.status == 0 { break }
                #expect(attempt.errors.contains("no license id"), "\(attempt.errors)")
                Thread.sleep(forTimeInterval: 0.3)
            }
            #expect(revoked?.status == 0 && revoked?.output.contains("revoked license \(HashID.short(hash))") == true,
                    "\(revoked?.output ?? "")\(revoked?.errors ?? "")")
            let revocation = try String(contentsOfFile: revocationPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

            // The regional agent's next pull brings it; from then on it refuses new activations.
            var held = false
            while ContinuousClock.now < deadline + .seconds(30), !held {
                held = try api.expect([Wire.SignedObject].self, status: 200, .get, "/v1/revocations").contains { $0.object == revocation }
                if !held { Thread.sleep(forTimeInterval: 0.3) }
            }
            #expect(held, "the regional agent never pulled the revocation")
            let late = scratch.path("late-wallet")
            try TollgateCLI.run(["machine", "init", "--dir", late, "--anchor", anchor, "--product", "cad-pro"])
            let refused = try TollgateCLI.outcome(["machine", "activate", "--dir", late, "--node", regional.baseURL, "--license", licensePath, "--country", "DE"])
            #expect(refused.status != 0 && refused.errors.contains("license_revoked"), "\(refused.errors)")

            // The online machine's status check brings the revocation; its offline check refuses.
            let status = try TollgateCLI.run(["machine", "status", "--dir", online, "--node", regional.baseURL])
            #expect(status.contains("NOT VALID") && status.contains("license_revoked"), "\(status)")
            let check = try TollgateCLI.outcome(["machine", "check", "--dir", online])
            #expect(check.status == 1 && (check.output + check.errors).contains("license_revoked"), "\(check.output)\(check.errors)")

            // The offline machine still checks until it is handed the revocation file.
            #expect(try TollgateCLI.outcome(["machine", "check", "--dir", offline]).status == 0)
            let installed = try TollgateCLI.run(["machine", "install", "--dir", offline, revocationPath])
            #expect(installed.contains("REVOCATION INSTALLED") && installed.contains("refund"), "\(installed)")
            let offlineCheck = try TollgateCLI.outcome(["machine", "check", "--dir", offline])
            #expect(offlineCheck.status == 1 && (offlineCheck.output + offlineCheck.errors).contains("license_revoked"),
                    "\(offlineCheck.output)\(offlineCheck.errors)")
            // A wallet without the license takes no revocation of it.
            let empty = scratch.path("empty-wallet")
            try TollgateCLI.run(["machine", "init", "--dir", empty, "--anchor", anchor, "--product", "cad-pro"])
            let stray = try TollgateCLI.outcome(["machine", "install", "--dir", empty, revocationPath])
            #expect(stray.status != 0 && stray.errors.contains("no license is installed"), "\(stray.errors)")
            #expect(!FileManager.default.fileExists(atPath: empty + "/revocations.json"))

            // The activations made before the revocation stay in the regional agent's log.
            let activations = try api.expect([Wire.ActivationRow].self, status: 200, .get, "/v1/activations")
            #expect(activations.count == 2)

            regional.expectCleanExit()
            channel.general.expectCleanExit()
            channel.vendor.expectCleanExit()
        }
    }
}
