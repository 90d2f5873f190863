import Foundation
import Testing
import TollgateTestSupport

extension EndToEnd {
    /// The console in a real browser: headless Chromium driven by Selenium (`Deploy/
    /// console-browser-check.py`; Deploy/setup-system.sh installs Debian's chromium, chromium-driver and
    /// python3-selenium) against a real `tollgate node serve`. It logs in, tabs through the tree,
    /// looks up the customer named `<script>alert(1)</script>` (text, and no alert), saves a
    /// screenshot, and logs out. One browser session, a few seconds: it runs wherever the browser is
    /// installed, CI included; TOLLGATE_BROWSER_TESTS=0 turns it off.
    @Suite struct ConsoleBrowserTests {
        /// Debian's Python, whose packages (python3-selenium) the setup script installs; a `python3`
        /// earlier on PATH (pyenv, a venv) may not have them.
        static let python = "/usr/bin/python3"

        static var browserInstalled: Bool {
            guard ProcessInfo.processInfo.environment["TOLLGATE_BROWSER_TESTS"] != "0",
                  FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
                  FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else { return false }
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: Self.python)
            probe.arguments = ["-c", "import selenium"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            guard (try? probe.run()) != nil else { return false }
            probe.waitUntilExit()
            return probe.terminationStatus == 0
        }

        @Test(.enabled(if: browserInstalled, "needs chromium, chromium-driver and python3-selenium (Deploy/setup-system.sh)"))
        func logInTabThroughAndSeeTheScriptNameAsText() throws {
            let agent = try AgentFixture("console-browser")
            let api = try agent.client()
            var sale = AgentFixture.sale
            sale["customer"] = ConsoleTests.customer
            #expect(try api.send(.post, "/v1/licenses", json: sale).status.code == 201)
            let screenshot = agent.scratch.path("console.png")
            let script = TollgateBinary.packageRoot.appendingPathComponent("Deploy/console-browser-check.py").path
            let run = try TollgateCLI.outcome([script, "--url", agent.node.baseURL,
                                               "--token-file", agent.node.directory.appendingPathComponent("operator.token").path,
                                               "--customer", ConsoleTests.customer, "--screenshot", screenshot], binary: Self.python)
            #expect(run.status == 0 && run.output.contains("every check held"), "\(run.output)\(run.errors)")
            let saved = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(saved.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the screenshot is a PNG")
            agent.node.expectCleanExit()
        }
    }
}
