import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// Upgrades, add-ons, trials and conversions with real processes (issue 20): a license issued,
    /// a machine activated against a running node, the license upgraded at the agent and an add-on
    /// sold, both picked up by `machine status` with the activation kept; then a free trial
    /// activated and converted to a paid license whose file is carried to the machine, which keeps
    /// running without re-activating.
    @Suite struct LicenseLifecycleFlowTests {
        @Test func anUpgradeAndAnAddonKeepTheActivationAndATrialConvertsOffline() throws {
            let scratch = try TemporaryDirectory("e2e-lifecycle")
            let vendor = scratch.path("vendor"), agent = scratch.path("agent"), chain = scratch.path("agent.chain")
            try TollgateCLI.run(["root", "init", "--dir", vendor, "--name", "vendor"])
            try TollgateCLI.run(["node", "init", "--dir", agent, "--name", "agent", "--anchor", vendor + "/anchor.pub"])
            let delegated = try TollgateCLI.run([
                "delegate", "--dir", vendor, "--subject", "agent", "--subject-key", agent + "/node.pub", "--seats", "100", "--countries", "DE",
                "--product", "cad=view,export,render,simulate", "--tier", "cad:basic=view", "--tier", "cad:pro=view,export,render",
                "--models", "perpetual,subscription,trial", "--price-floor", "EUR:10.00", "--feature-floor", "EUR:render=20.00",
                "--feature-floor", "EUR:simulate=5.00", "--trials", "14/1", "--sync-within", "7d", "--depth", "1", "--out", chain])
            #expect(delegated.contains("feature floors EUR: render=EUR 20.00 simulate=EUR 5.00") && delegated.contains("trials: 14 days, 1 per customer"),
                    "\(delegated)")
            try TollgateCLI.run(["accept", "--dir", agent, chain])
            let basicPath = scratch.path("basic.license")
            try TollgateCLI.run(["issue", "--dir", agent, "--customer", "Muster GmbH", "--country", "DE", "--product", "cad", "--model", "perpetual",
                                 "--tier", "basic", "--price", "EUR:10.00", "--out", basicPath])
            let basic = try SignedLicense(compact: LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: basicPath))).license)

            let node = try NodeProcess(directory: URL(fileURLWithPath: agent))
            let remote = ["--node", node.baseURL, "--token-file", agent + "/operator.token"]
            let wallet = scratch.path("wallet")
            try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", vendor + "/anchor.pub", "--product", "cad"])
            try TollgateCLI.run(["machine", "activate", "--dir", wallet, "--node", node.baseURL, "--license", basicPath, "--country", "DE"])
            func check(_ dir: String) throws -> [String: Any] {
                let json = try TollgateCLI.outcome(["machine", "check", "--dir", dir, "--json"])
                #expect(json.status == 0, "\(json.output)\(json.errors)")
                return try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
            }
            let activation = try check(wallet)["activation"] as? String
            #expect(try check(wallet)["features"] as? [String] == ["view"])

            // Below the floor of render, the upgrade is refused and nothing is written.
            let cheap = try TollgateCLI.outcome(["upgrade", "--license", String(basic.hash.prefix(10)), "--tier", "pro", "--price", "EUR:19.99",
                                                 "--out", scratch.path("cheap.license")] + remote)
            #expect(cheap.status != 0 && cheap.errors.contains("upgrade_below_floor"), "\(cheap.errors)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("cheap.license")))
            let upgraded = try TollgateCLI.run(["upgrade", "--license", String(basic.hash.prefix(10)), "--tier", "pro", "--price", "EUR:20.00",
                                                "--out", scratch.path("pro.license")] + remote)
            #expect(upgraded.contains("supersedes \(HashID.short(basic.hash))"), "\(upgraded)")
            let addon = try TollgateCLI.run(["addon", "--license", String(basic.hash.prefix(10)), "--feature", "simulate", "--price", "EUR:5.00",
                                             "--out", scratch.path("simulate.addon")] + remote)
            #expect(addon.contains("add-on") && addon.contains("simulate"), "\(addon)")

            // The machine asks the node: it installs the upgrade and the add-on and keeps its activation.
            let status = try TollgateCLI.run(["machine", "status", "--dir", wallet, "--node", node.baseURL])
            #expect(status.contains("changed:") && status.contains("state:       active"), "\(status)")
            let upgradedCheck = try check(wallet)
            #expect(upgradedCheck["features"] as? [String] == ["export", "render", "simulate", "view"], "\(upgradedCheck)")
            #expect(upgradedCheck["activation"] as? String == activation)
            #expect(upgradedCheck["tier"] as? String == "pro")

            // A free trial, one per customer; converted at the agent, carried to the machine as a file.
            let trialPath = scratch.path("trial.license")
            let trialSale = ["issue", "--customer", "Trier AG", "--country", "DE", "--product", "cad", "--model", "trial", "--price", "EUR:0",
                             "--days", "14"] + remote
            try TollgateCLI.run(trialSale + ["--out", trialPath])
            let again = try TollgateCLI.outcome(trialSale + ["--out", scratch.path("again.license")])
            #expect(again.status != 0 && again.errors.contains("trial_limit_reached"), "\(again.errors)")
            let trial = try SignedLicense(compact: LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: trialPath))).license)
            let trialWallet = scratch.path("trial-wallet")
            try TollgateCLI.run(["machine", "init", "--dir", trialWallet, "--anchor", vendor + "/anchor.pub", "--product", "cad"])
            try TollgateCLI.run(["machine", "activate", "--dir", trialWallet, "--node", node.baseURL, "--license", trialPath, "--country", "DE"])
            let trialActivation = try check(trialWallet)["activation"] as? String
            let notTrial = try TollgateCLI.outcome(["convert", "--trial", String(basic.hash.prefix(10)), "--price", "EUR:49.00", "--days", "365",
                                                    "--out", scratch.path("not-trial.license")] + remote)
            #expect(notTrial.status != 0 && notTrial.errors.contains("lineage_mismatch"), "\(notTrial.errors)")
            let conversionPath = scratch.path("paid.license")
            let converted = try TollgateCLI.run(["convert", "--trial", String(trial.hash.prefix(10)), "--price", "EUR:49.00", "--days", "365",
                                                 "--tier", "pro", "--out", conversionPath] + remote)
            #expect(converted.contains("converts trial \(HashID.short(trial.hash))"), "\(converted)")
            node.expectCleanExit()

            // Offline: the file is installed on the machine, which runs on the trial's activation.
            let installed = try TollgateCLI.run(["machine", "install", "--dir", trialWallet, conversionPath])
            #expect(installed.contains("LICENSE INSTALLED: the machine keeps its activation"), "\(installed)")
            let paid = try check(trialWallet)
            #expect(paid["model"] as? String == "subscription" && paid["activation"] as? String == trialActivation, "\(paid)")
            #expect(paid["features"] as? [String] == ["export", "render", "view"], "\(paid)")
            // The trial's own file no longer installs over its conversion.
            let back = try TollgateCLI.outcome(["machine", "install", "--dir", trialWallet, trialPath])
            #expect(back.status != 0 && back.errors.contains("older than the installed"), "\(back.errors)")
        }
    }
}
