import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateHTTPMessages
import TollgateLedger
import TollgateNode
import TollgateTestSupport

extension EndToEnd {
    /// The web console of a real `tollgate node serve` on loopback, driven with raw requests as a
    /// browser sends them: log in, read every page, download the findings and re-check them with
    /// `tollgate audit --check`, see the session cookie refused by the API, log out, and the old
    /// cookie refused by the console.
    @Suite struct ConsoleTests {
        static let customer = "<script>alert(1)</script>"

        @Test func logInReadEveryPageCheckTheBundleAndLogOut() throws {
            let scratch = try TemporaryDirectory("e2e-console")
            let (vendor, agentDirectory) = try AgentFixture.makeDirectories(in: scratch)
            let anchor = TrustAnchor(publicKey: try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: vendor + "/anchor.pub")))
            let now = Int64(Date().timeIntervalSince1970)
            // A planted cheat in the agent's own log before it serves: a sale below its price floor.
            do {
                let store = try NodeStore(database: SQLiteDatabase(path: agentDirectory + "/node.sqlite"))
                let node = LicensingNode(identity: NodeIdentity(name: "agent", key: try Ed25519PrivateKey(contentsOf: URL(fileURLWithPath: agentDirectory + "/node.key")),
                                                                anchor: anchor), store: store)
                try CheatingNode(node: node).forgeLicense(at: now) { $0.customer = "cheap"; $0.price = Price(currency: "EUR", amount: 1) }
            }
            let node = try NodeProcess(directory: URL(fileURLWithPath: agentDirectory))
            let api = try NodeAPIClient(node)
            var sale = AgentFixture.sale
            sale["customer"] = Self.customer
            #expect(try api.send(.post, "/v1/licenses", json: sale).status.code == 201)
            #expect(try api.send(.post, "/v1/audit/runs", json: [String: Any]()).status.code == 200)

            let browser = try ConsoleBrowser(port: node.port)
            let anonymous = try browser.send("GET", "/console")
            #expect(anonymous.status == 303 && anonymous.headers["Location"] == "/console/login")
            let form = try browser.send("GET", "/console/login")
            #expect(form.status == 200 && form.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
            let wrong = try browser.send("POST", "/console/login", form: ["token": "not-the-token", "csrf": try ConsoleBrowser.csrf(in: form)])
            #expect(wrong.status == 401 && wrong.bodyText.contains("not this node&#39;s operator token"))
            let login = try browser.send("POST", "/console/login", form: ["token": try node.token, "csrf": try ConsoleBrowser.csrf(in: wrong)])
            #expect(login.status == 303 && login.headers["Location"] == "/console", "\(login.status) \(login.bodyText)")
            let session = try #require(browser.cookies["tollgate_console"])

            for path in ["/console", "/console/findings", "/console/activity", "/console/customer", "/console/console.css"] {
                let page = try browser.send("GET", path)
                #expect(page.status == 200, "\(path): \(page.status) \(page.bodyText.prefix(500))")
                #expect(page.headers["X-Content-Type-Options"] == "nosniff" && page.headers["Cache-Control"] == "no-store", "\(path)")
            }
            let tree = try browser.send("GET", "/console").bodyText
            #expect(tree.contains(#"<th scope="row" class="depth-0">agent</th>"#))
            let findings = try browser.send("GET", "/console/findings").bodyText
            #expect(findings.contains("below_price_floor at agent"), "\(findings.prefix(2000))")
            let lookup = try browser.send("GET", "/console/customer?name=" + ConsoleBrowser.encoded(Self.customer))
            #expect(lookup.status == 200 && lookup.bodyText.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !lookup.bodyText.contains(Self.customer))

            let bundle = try browser.send("GET", "/console/findings/bundle.json")
            #expect(bundle.status == 200 && bundle.headers["Content-Disposition"]?.contains("attachment") == true)
            let file = scratch.path("findings.json")
            try Data(bundle.body).write(to: URL(fileURLWithPath: file))
            let check = try TollgateCLI.outcome(["audit", "--check", file, "--anchor", vendor + "/anchor.pub"])
            #expect(check.status == 0 && check.output.contains("holds    below_price_floor") && check.output.contains("0 failed"), "\(check.output)\(check.errors)")

            // The session cookie is no credential for the API, which keeps its bearer token.
            let withCookie = try browser.send("GET", "/v1/audit/findings", headers: [("Cookie", "tollgate_console=\(session)")], withCookies: false)
            #expect(withCookie.status == 401 && withCookie.problem?.type == ProblemType.named("operator-token-required"))

            let logout = try browser.send("POST", "/console/logout", form: ["csrf": try ConsoleBrowser.csrf(in: try browser.send("GET", "/console"))])
            #expect(logout.status == 303 && logout.headers["Location"] == "/console/login" && browser.cookies["tollgate_console"] == nil)
            let replayed = try browser.send("GET", "/console", headers: [("Cookie", "tollgate_console=\(session)")], withCookies: false)
            #expect(replayed.status == 303 && replayed.headers["Location"] == "/console/login", "the old cookie is refused after logout")
            node.expectCleanExit()
        }
    }
}
