import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// The README's story typed into a real terminal: a shell under tmux (send-keys), its screen read
    /// back (capture-pane) and compared with the checked transcript `Deploy/walkthrough.transcript`,
    /// ids, times and the scratch path replaced by names. `TOLLGATE_RECORD_TRANSCRIPT=1` rewrites the
    /// file from a run instead; the README's quoted output must appear in it.
    @Suite struct TerminalSessionTests {
        static let transcript = TollgateBinary.packageRoot.appendingPathComponent("Deploy/walkthrough.transcript")

        /// The story, one shell line each: the README's walk-through, then what a reseller does next.
        static let story = [
            "tollgate --version",
            "tollgate root init --dir vendor --name vendor",
            "tollgate node init --dir ga-europe --name ga-europe --anchor vendor/anchor.pub",
            "tollgate node init --dir ra-dach --name ra-dach --anchor vendor/anchor.pub",
            "tollgate delegate --dir vendor --subject ga-europe --subject-key ga-europe/node.pub --seats 100000 --countries DE,AT,CH,FR,IT "
                + "--product cad-pro=export,render,simulate --product cad-lite=export --models perpetual,subscription,trial "
                + "--price-floor EUR:40.00 --price-floor CHF:45.00 --sync-within 14d --out ga-europe.chain",
            "tollgate accept --dir ga-europe ga-europe.chain",
            "tollgate delegate --dir ga-europe --subject ra-dach --subject-key ra-dach/node.pub --seats 10000 --countries DE,AT,CH "
                + "--product cad-pro=export,render --models perpetual,subscription --price-floor EUR:45.00 --price-floor CHF:50.00 "
                + "--sync-within 7d --out ra-dach.chain",
            "tollgate accept --dir ra-dach ra-dach.chain",
            "tollgate issue --dir ra-dach --customer \"Muster GmbH\" --country DE --territory DE,AT --product cad-pro --model subscription "
                + "--days 365 --price EUR:49.00 --seats 5 --out muster.license",
            "tollgate verify --anchor vendor/anchor.pub muster.license",
            "tollgate list licenses --dir ra-dach",
            "tollgate issue --dir ra-dach --customer \"Cheap AG\" --country CH --product cad-pro --model perpetual --price CHF:1.00 --out cheap.license",
            "tollgate issue --dir ra-dach --customer \"Muster GmbH\" --country DE --product cad-pro --model perpetaul --price EUR:49.00 --out typo.license",
            "tollgate machine activte --dir wallet",
            "tollgate report freshness --dir ra-dach",
            "tollgate report customer --dir ra-dach --customer \"muster gmbh\"",
        ]

        @Test func theReadmeStoryReadsAsTheCheckedTranscript() throws {
            let tmux = try #require(["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                    "tmux is missing: run Deploy/setup-system.sh")
            let work = try TemporaryDirectory("e2e-terminal")
            let session = TmuxSession(tmux: tmux, socket: work.path("tmux.socket"), directory: work.url,
                                      path: URL(fileURLWithPath: TollgateBinary.path).deletingLastPathComponent().path)
            try session.start()
            // The socket lives in `work`: keep it until the server is stopped, or the server outlives the test.
            defer { withExtendedLifetime(work) { session.stop() } }
            // Keys typed before the prompt is drawn would be echoed ahead of it: wait for each prompt first.
            try session.waitForPrompts(1)
            for (index, line) in Self.story.enumerated() {
                try session.type(line)
                try session.waitForPrompts(index + 2)
            }
            let screen = try session.capture()
            let normalized = try Self.normalize(screen, work: work)
            if ProcessInfo.processInfo.environment["TOLLGATE_RECORD_TRANSCRIPT"] == "1" {
                try FileManager.default.createDirectory(at: Self.transcript.deletingLastPathComponent(), withIntermediateDirectories: true)
                try normalized.write(to: Self.transcript, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: Self.transcript, encoding: .utf8)
            #expect(normalized == expected, "the session differs from \(Self.transcript.path):\n\(normalized)")

            // The README quotes the session; each quoted line is in the transcript, in order.
            let readme = try String(contentsOf: TollgateBinary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
            let start = try #require(readme.range(of: "<!-- transcript: Deploy/walkthrough.transcript -->\n```text\n"))
            let quoted = readme[start.upperBound...].prefix { _ in true }.components(separatedBy: "\n```")[0]
            var rest = Substring(expected)
            for line in quoted.split(separator: "\n", omittingEmptySubsequences: false) {
                let found = try #require(rest.range(of: line), "README quotes a line the transcript lacks (or out of order): \(line)")
                rest = rest[found.upperBound...]
            }
        }

        /// The screen with what differs between runs named: the scratch path, key ids, object ids and times.
        static func normalize(_ screen: String, work: TemporaryDirectory) throws -> String {
            var text = screen.replacingOccurrences(of: work.url.path, with: "<work>")
            var names: [(String, String)] = []
            for (file, name) in [("ga-europe.chain", "ga-europe-certificate"), ("ra-dach.chain", "ra-dach-certificate")] {
                let chain = try CertificateChain(data: Data(contentsOf: work.url(file)))
                names.append((JWS.hash(of: chain.chain[chain.chain.count - 1]), name))
            }
            let license = try LicenseFile(data: Data(contentsOf: work.url("muster.license"))).license
            names.append((JWS.hash(of: license), "muster-license"))
            for (hash, name) in names {
                text = text.replacingOccurrences(of: hash, with: "<\(name)>").replacingOccurrences(of: HashID.short(hash), with: "<\(name)>")
            }
            let patterns = [
                (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, "<time>"),
                (#"\((in \d+ [a-z]+|\d+ [a-z]+ ago|now)\)"#, "(<relative>)"),
                (#"[A-Za-z0-9_-]{43}"#, "<key-id>"),
                (#"anchor [A-Za-z0-9_-]{12}"#, "anchor <key-id>"),
            ]
            for (pattern, replacement) in patterns {
                text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression) }
            return lines.reversed().drop { $0.isEmpty || $0 == "$" }.reversed().joined(separator: "\n") + "\n"
        }
    }
}
