import Foundation
import Testing
import TollgateTestSupport
import TollgateCertificates

extension EndToEnd {
    /// The real binaries' command lines: every group's help, suggestions for slips, and the
    /// benchmarks living in `tollgate-bench` rather than in the production binary.
    @Suite struct CommandLineTests {
        /// Each group of `tollgate` and subcommands its help must list.
        static let groups = [
            "root": ["init"],
            "node": ["init", "serve"],
            "machine": ["init", "request", "install", "activate", "deactivate", "emergency", "lease", "heartbeat", "borrow", "release", "status", "check"],
            "site": ["request", "bind", "export", "ingest"],
            "sim": ["run", "sweep"],
            "report": ["quota", "activations", "conversion", "models", "customer", "freshness", "revenue", "recurring"],
            "list": ["certificates", "licenses", "activations"],
        ]

        @Test(arguments: groups.keys.sorted())
        func everyGroupListsItsSubcommands(_ group: String) throws {
            let help = try TollgateCLI.outcome([group, "--help"])
            #expect(help.status == 0, "\(help.errors)")
            #expect(help.output.contains("USAGE: tollgate \(group) <subcommand>"), "\(help.output)")
            for subcommand in Self.groups[group] ?? [] {
                #expect(help.output.contains("\n  \(subcommand) "), "'tollgate \(group) --help' lacks \(subcommand):\n\(help.output)")
            }
            let alone = try TollgateCLI.outcome([group])
            #expect(alone.status == 2)
            #expect(alone.output == help.output)
        }

        @Test func slipsNameTheClosestCommand() throws {
            let typo = try TollgateCLI.outcome(["machine", "activte", "--dir", "wallet"])
            #expect(typo.status == 2)
            #expect(typo.errors.contains("did you mean 'machine activate'?"), "\(typo.errors)")
            let withoutGroup = try TollgateCLI.outcome(["serve", "--dir", "node"])
            #expect(withoutGroup.errors.contains("did you mean 'node serve'?"), "\(withoutGroup.errors)")
            let option = try TollgateCLI.outcome(["verify", "--anchr", "a.pub", "x.license"])
            #expect(option.status == 2)
            #expect(option.errors.contains("did you mean '--anchor'?"), "\(option.errors)")
        }

        /// A value out of range is a usage error (exit 2) before anything is opened or written; a term
        /// of 10^15 days used to overflow the end time and crash the process.
        @Test func outOfRangeValuesAreUsageErrors() throws {
            let scratch = try TemporaryDirectory("e2e-cli-range")
            let out = scratch.path("never.license")
            for days in ["0", "1000000000000000"] {
                let refused = try TollgateCLI.outcome(["issue", "--dir", scratch.path("no-node"), "--customer", "C", "--country", "DE",
                                                       "--product", "cad", "--model", "subscription", "--price", "EUR:5.00",
                                                       "--days", days, "--out", out])
                #expect(refused.status == 2, "--days \(days): \(refused.errors)")
                #expect(refused.errors.contains("--days must be between 1 and 365000"), "\(refused.errors)")
            }
            #expect(!FileManager.default.fileExists(atPath: out))
            #expect(!FileManager.default.fileExists(atPath: scratch.path("no-node")))
        }

        @Test func theBenchmarksAreNotInTheProductionBinary() throws {
            #expect(try TollgateCLI.outcome(["bench"]).status == 2)
            #expect(try TollgateCLI.outcome(["bench", "http", "--seconds", "1"]).status == 2)
            let help = try TollgateCLI.outcome(["--help"], binary: TollgateBinary.benchPath)
            #expect(help.status == 0, "\(help.errors)")
            for benchmark in ["license", "library", "ingest", "http", "leases", "usage-ingest", "idle-clients"] {
                #expect(help.output.contains("\n  \(benchmark) "), "tollgate-bench lacks \(benchmark):\n\(help.output)")
            }
        }

        /// `tollgate-bench library` without an installed library says how to install one.
        @Test func theLibraryBenchmarkNamesTheBuildScriptWhenNoLibraryIsInstalled() throws {
            let scratch = try TemporaryDirectory("bench-library")
            let outcome = try TollgateCLI.outcome(["library", "--prefix", scratch.path("none")], binary: TollgateBinary.benchPath)
            #expect(outcome.status == 3, "\(outcome.errors)")
            #expect(outcome.errors.contains("Deploy/build-libtollgate.sh --prefix"), "\(outcome.errors)")
        }

        /// Operator commands against a running node (`--node`) reach it on the route table's paths:
        /// plain ones, one with a path parameter (renew) and one with a query (a customer's report).
        @Test func operatorCommandsCallARunningNode() throws {
            let agent = try AgentFixture("remote-cli")
            let remote = ["--node", agent.node.baseURL, "--token-file", agent.node.directory.appendingPathComponent("operator.token").path]
            let licensePath = agent.scratch.path("muster.license"), renewedPath = agent.scratch.path("renewed.license")
            try TollgateCLI.run(["issue", "--customer", "Muster GmbH & Co", "--country", "DE", "--product", "cad", "--model", "subscription",
                                 "--days", "30", "--price", "EUR:5.00", "--out", licensePath] + remote)
            let file = try LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: licensePath)))
            let hash = try SignedLicense(compact: file.license).hash
            // The printed id, short, is what the running node takes too.
            try TollgateCLI.run(["renew", "--license", HashID.short(hash), "--days", "60", "--out", renewedPath] + remote)
            let renewed = try SignedLicense(compact: LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: renewedPath))).license)
            #expect(renewed.payload.renews == hash)

            let licenses = try TollgateCLI.run(["list", "licenses", "--json"] + remote)
            #expect(licenses.contains(hash) && licenses.contains(renewed.hash), "\(licenses)")
            let history = try TollgateCLI.run(["report", "customer", "--customer", "Muster GmbH & Co", "--json"] + remote)
            #expect(history.contains("\"customer\" : \"Muster GmbH & Co\""), "\(history)")
            let quota = try TollgateCLI.run(["report", "quota", "--json"] + remote)
            #expect(quota.contains("\"issued\" : 1"), "a renewal keeps its seat: \(quota)")
            let certificates = try TollgateCLI.run(["list", "certificates"] + remote)
            #expect(certificates.contains("agent  seats [0, 1000000)"), "\(certificates)")
            agent.node.expectCleanExit()
        }

        /// `tollgate-bench http --idle` runs `tollgate-bench idle-clients` as a child process: it
        /// holds its connections to a real node until its standard input closes, then exits 0.
        @Test func idleClientsHoldConnectionsUntilInputCloses() throws {
            let agent = try AgentFixture("idle-clients", serveArguments: ["--head-timeout", "60"])
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TollgateBinary.benchPath)
            process.arguments = ["idle-clients", "--port", String(agent.node.port), "--count", "40", "--per-address", "20"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            #expect(line.hasPrefix("ready 40"), "\(line)")
            let api = try agent.client()
            let deadline = Date().addingTimeInterval(30)
            var open = 0
            while open < 40 && Date() < deadline {
                let metrics = try api.get("/metrics").bodyText
                let row = metrics.split(separator: "\n").first { $0.hasPrefix("tollgate_http_open_connections") }
                open = row.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
                if open < 40 { Thread.sleep(forTimeInterval: 0.05) }
            }
            #expect(open >= 40)
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            agent.node.expectCleanExit()
        }
    }
}
