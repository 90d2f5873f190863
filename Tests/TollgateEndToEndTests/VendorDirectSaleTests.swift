import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateTestSupport

extension EndToEnd {
    /// The vendor sells directly, as a person would through the command line against its running
    /// root: `delegate --to-self`, `issue`, a machine activating at the vendor, and the license
    /// verifying offline with nothing but the vendor's key; the vendor's audit holds it to its floor.
    @Suite struct VendorDirectSaleTests {
        @Test func theVendorSellsActivatesAndTheLicenseVerifiesOffline() throws {
            let scratch = try TemporaryDirectory("e2e-vendor-direct")
            let vendor = scratch.path("vendor"), agent = scratch.path("agent")
            try TollgateCLI.run(["root", "init", "--dir", vendor, "--name", "vendor"])
            try TollgateCLI.run(["node", "init", "--dir", agent, "--name", "agent", "--anchor", vendor + "/anchor.pub"])
            let root = try NodeProcess(directory: URL(fileURLWithPath: vendor))
            let remote = ["--node", root.baseURL, "--token-file", vendor + "/operator.token"]

            // Before it has a certificate of its own, the root says how to get one.
            let early = try TollgateCLI.outcome(["issue", "--customer", "Early AG", "--country", "DE", "--product", "cad-pro",
                                                 "--model", "perpetual", "--price", "EUR:60.00", "--out", scratch.path("early.license")] + remote)
            #expect(early.status == 4 && early.errors.contains("no_certificate") && early.errors.contains("--to-self"), "\(early.errors)")

            let own = try TollgateCLI.run(["delegate", "--to-self", "--seats", "1000", "--countries", "DE,AT",
                                           "--product", "cad-pro=export,render", "--models", "perpetual,subscription",
                                           "--price-floor", "EUR:50.00", "--out", scratch.path("vendor-own.chain")] + remote)
            #expect(own.contains("to vendor"), "\(own)")
            // An agent's certificate comes after the vendor's own serials, and may allow other products.
            let delegated = try TollgateCLI.run(["delegate", "--subject", "agent", "--subject-key", agent + "/node.pub", "--seats", "100",
                                                 "--countries", "US", "--product", "cad-lite=export", "--models", "trial",
                                                 "--price-floor", "USD:1.00", "--out", scratch.path("agent.chain")] + remote)
            #expect(delegated.contains("delegated [1000, 1100)") && delegated.contains("floors USD 1.00,"), "\(delegated)")

            let licensePath = scratch.path("direct.license")
            try TollgateCLI.run(["issue", "--customer", "Direct AG", "--country", "DE", "--territory", "DE,AT", "--product", "cad-pro",
                                 "--model", "perpetual", "--price", "EUR:60.00", "--seats", "2", "--out", licensePath] + remote)
            let cheap = try TollgateCLI.outcome(["issue", "--customer", "Cheap AG", "--country", "DE", "--product", "cad-pro",
                                                 "--model", "perpetual", "--price", "EUR:1.00", "--out", scratch.path("cheap.license")] + remote)
            #expect(cheap.status == 4 && cheap.errors.contains("price_below_floor"), "\(cheap.errors)")

            // A machine activates at the vendor, online, and checks itself offline.
            let wallet = scratch.path("wallet")
            try TollgateCLI.run(["machine", "init", "--dir", wallet, "--anchor", vendor + "/anchor.pub", "--product", "cad-pro"])
            try TollgateCLI.run(["machine", "activate", "--dir", wallet, "--node", root.baseURL, "--license", licensePath, "--country", "AT"])
            let check = try TollgateCLI.outcome(["machine", "check", "--dir", wallet])
            #expect(check.status == 0, "\(check.output)\(check.errors)")

            // The customer's verifier: the vendor's public key and the files, nothing else.
            let verify = try TollgateCLI.outcome(["verify", "--anchor", vendor + "/anchor.pub", licensePath])
            #expect(verify.status == 0 && verify.output.contains("VALID license") && verify.output.contains("Direct AG"), "\(verify.output)")
            let file = try LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: licensePath)))
            let anchor = TrustAnchor(publicKey: try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: vendor + "/anchor.pub")))
            let license = try LicenseVerifier(anchor: anchor).verify(file, at: Clock.now).license
            #expect(license.payload.seats == SerialRange(0, 2) && license.payload.iss == anchor.publicKey.thumbprint)

            // The vendor's reports and audit count its own sale and find nothing wrong with it.
            let quota = try TollgateCLI.run(["report", "quota", "--json"] + remote)
            #expect(quota.contains("\"issued\" : 2"), "\(quota)")
            let audit = try TollgateCLI.outcome(["audit"] + remote)
            #expect(audit.status == 0, "\(audit.output)\(audit.errors)")
            root.expectCleanExit()
        }

        /// `--to-self` stands instead of the child's name and key, on the root only.
        @Test func toSelfIsTheRootsAndReplacesTheSubject() throws {
            let scratch = try TemporaryDirectory("e2e-vendor-to-self")
            let vendor = scratch.path("vendor"), agent = scratch.path("agent")
            try TollgateCLI.run(["root", "init", "--dir", vendor, "--name", "vendor"])
            try TollgateCLI.run(["node", "init", "--dir", agent, "--name", "agent", "--anchor", vendor + "/anchor.pub"])
            let limits = ["--seats", "10", "--countries", "DE", "--product", "cad-pro", "--models", "perpetual", "--price-floor", "EUR:1.00"]
            let both = try TollgateCLI.outcome(["delegate", "--dir", vendor, "--to-self", "--subject", "vendor", "--out", scratch.path("a.chain")] + limits)
            #expect(both.status == 2 && both.errors.contains("--to-self"), "\(both.errors)")
            let neither = try TollgateCLI.outcome(["delegate", "--dir", vendor, "--out", scratch.path("b.chain")] + limits)
            #expect(neither.status == 2 && neither.errors.contains("--subject"), "\(neither.errors)")
            let atAgent = try TollgateCLI.outcome(["delegate", "--dir", agent, "--to-self", "--out", scratch.path("c.chain")] + limits)
            #expect(atAgent.status != 0 && atAgent.errors.contains("only the root"), "\(atAgent.errors)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("c.chain")))
        }
    }
}
