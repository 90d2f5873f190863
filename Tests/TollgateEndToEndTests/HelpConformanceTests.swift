import Foundation
import Testing
import TollgateTestSupport

extension EndToEnd {
    /// What every `--help` documents is what the binary does: each listed option is taken (run once
    /// with a value of the documented form, never "unknown" or refused for its form), a misspelt one
    /// is refused with a suggestion, listed choices are the accepted ones, and each documented exit
    /// code is what the binary returns in its case.
    @Suite struct HelpConformanceTests {
        /// One command's help, as printed.
        struct DocumentedCommand {
            var words: [String]
            var options: [(name: String, placeholder: String?)]
            var positionals: [String]
        }

        /// A value of each documented form; a form missing here fails the test, so a new one gets an example.
        /// Paths are fresh for each run (`run`), so no run finds what an earlier one created (a node
        /// made by `root init` would otherwise be served by `node serve` and never exit).
        static func example(for placeholder: String, scratch: TemporaryDirectory, run: Int) -> String? {
            if placeholder.contains("|") && !placeholder.contains("..") { return placeholder.split(separator: "|").first.map(String.init) }
            let examples: [String: String] = [
                "CC": "DE", "CUR:amount": "EUR:49.00", "CUR:feature=amount": "EUR:render=5.00", "days/count": "14/1", "DE,AT,...": "DE,AT", "a,b,...": "export", "address": "127.0.0.1", "bytes": "1048576",
                "activation-id": String(repeating: "A", count: 43), "duration": "7d", "id": "abcd", "id[=feature,...]": "cad=export",
                "length/count/period": "72h/2/30d", "lease=DURATION,borrow=DURATION": "lease=1h,borrow=7d", "model": "perpetual", "n": "1", "name": "shop", "perpetual,...": "perpetual",
                "port": "0", "product:tier=feature,...": "cad:pro=export", "s": "1", "seconds": "60", "start..end": "0..10", "start..end|count": "10", "text": "why",
                "time": "2030-01-01", "url": "http://127.0.0.1:9", "strict,lenient": "strict,lenient", "feature=units,...": "render=10", "YYYY-MM": "2026-12",
                "customer": "Muster GmbH", "id,id,...": "abcd",
            ]
            if let value = examples[placeholder] { return value }
            let paths = ["dir", "directory", "file", "file.csv", "pem", "public-key.pem", "out.svg", "out.txt", "findings.json"]
            return paths.contains(placeholder) ? scratch.path("absent-\(run)-\(placeholder)") : nil
        }

        /// Every command the overview and the groups' help list, with its options and arguments.
        static func documentedCommands() throws -> [DocumentedCommand] {
            var commands: [DocumentedCommand] = []
            func entries(_ help: String) -> [(word: String, isGroup: Bool)] {
                guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
                return help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
                    .prefix { !$0.isEmpty }
                    .map { line in (String(line.split(separator: " ")[0]), line.hasSuffix("--help)")) }
            }
            // Groups may hold groups (`machine usage`): their commands are listed under them in turn.
            func commandWords(_ prefix: [String], _ entry: (word: String, isGroup: Bool)) throws -> [[String]] {
                let words = prefix + [entry.word]
                guard entry.isGroup else { return [words] }
                return try entries(TollgateCLI.run(words + ["--help"])).flatMap { try commandWords(words, $0) }
            }
            for entry in entries(try TollgateCLI.run(["--help"])) {
                for words in try commandWords([], entry) {
                    let help = try TollgateCLI.run(words + ["--help"])
                    var command = DocumentedCommand(words: words, options: [], positionals: [])
                    for line in help.split(separator: "\n").map(String.init) {
                        if let match = line.firstMatch(of: /^  --([a-z-]+)(?: <([^>]+)>)?/), match.1 != "help" {
                            command.options.append((String(match.1), match.2.map(String.init)))
                        } else if let match = line.firstMatch(of: /^  <([^>]+)>/) {
                            command.positionals.append(String(match.1))
                        }
                    }
                    commands.append(command)
                }
            }
            return commands
        }

        @Test func everyDocumentedOptionIsTakenAndAMisspeltOneIsNot() throws {
            let scratch = try TemporaryDirectory("e2e-help-options")
            let commands = try Self.documentedCommands()
            #expect(commands.count >= 35, "\(commands.map { $0.words.joined(separator: " ") })")
            // With a token at hand, `--node` alone is complete: the call then fails to connect (exit 3).
            let environment = ["TOLLGATE_TOKEN": "not-a-token"]
            var runs = 0
            for command in commands {
                for option in command.options {
                    runs += 1
                    let positionals = command.positionals.map { scratch.path("absent-\(runs)-\($0)") }
                    var arguments = command.words + ["--\(option.name)"]
                    if let placeholder = option.placeholder {
                        let value = try #require(Self.example(for: placeholder, scratch: scratch, run: runs), "no example for <\(placeholder)>")
                        arguments.append(value)
                    }
                    let outcome = try TollgateCLI.outcome(arguments + positionals, in: scratch.url, environment: environment)
                    let line = arguments.joined(separator: " ")
                    #expect((0...4).contains(outcome.status), "\(line): exit \(outcome.status)")
                    #expect(!outcome.errors.contains("unknown option"), "\(line): \(outcome.errors)")
                    #expect(!outcome.errors.hasPrefix("error: --\(option.name) "), "\(line): the documented form is refused: \(outcome.errors)")
                    if let placeholder = option.placeholder, placeholder.contains("|"), !placeholder.contains("..") {
                        for choice in placeholder.split(separator: "|").dropFirst() {
                            let chosen = try TollgateCLI.outcome(command.words + ["--\(option.name)", String(choice)] + positionals, in: scratch.url,
                                                                 environment: environment)
                            #expect(!chosen.errors.hasPrefix("error: --\(option.name) "), "\(line) → \(choice): \(chosen.errors)")
                        }
                        let bogus = try TollgateCLI.outcome(command.words + ["--\(option.name)", "bogus"] + positionals, in: scratch.url,
                                                            environment: environment)
                        #expect(bogus.status == 2 && bogus.errors.hasPrefix("error: --\(option.name) must be one of"), "\(bogus.errors)")
                    }
                }
                if let first = command.options.first {
                    let misspelt = try TollgateCLI.outcome(command.words + ["--\(first.name)x", "v"], in: scratch.url)
                    #expect(misspelt.status == 2, "\(command.words): \(misspelt.errors)")
                    #expect(misspelt.errors.contains("unknown option '--\(first.name)x'") && misspelt.errors.contains("did you mean '--\(first.name)'?"),
                            "\(misspelt.errors)")
                }
            }
            #expect(runs >= 150, "only \(runs) option runs")
        }

        /// The table in `tollgate --help`, each code triggered once; what commands' own help says about
        /// exit codes uses the same numbers.
        @Test func everyDocumentedExitCodeIsWhatTheBinaryReturns() throws {
            let overview = try TollgateCLI.run(["--help"])
            let table = try #require(overview.range(of: "EXIT CODES:\n")).upperBound
            let documented = overview[table...].split(separator: "\n").compactMap { line in
                line.firstMatch(of: /^  (\d+) +(.+)$/).map { (Int32($0.1)!, String($0.2)) }
            }
            #expect(documented.map(\.0) == [0, 1, 2, 3, 4])

            let channel = try OfflineChannel("help-exit-codes")
            let licensePath = channel.scratch.path("muster.license")
            try TollgateCLI.run(channel.issueArguments(out: licensePath))
            var file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: licensePath))) as! [String: Any]
            let license = file["license"] as! String
            file["license"] = String(license.dropLast()) + (license.last == "A" ? "B" : "A")
            let tampered = channel.scratch.path("tampered.license")
            try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: tampered))
            let triggers: [Int32: [String]] = [
                0: ["--version"],
                1: ["verify", "--anchor", channel.anchor, tampered],
                2: ["verify", "--anchr", channel.anchor, licensePath],
                3: ["verify", "--anchor", channel.anchor, channel.scratch.path("missing.license")],
                4: channel.issueArguments(out: channel.scratch.path("cheap.license"), ["price": "EUR:0.50"]),
            ]
            for (code, meaning) in documented {
                let arguments = try #require(triggers[code], "exit code \(code) (\(meaning)) has no trigger here")
                let outcome = try TollgateCLI.outcome(arguments)
                #expect(outcome.status == code, "\(code) \(meaning): \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.errors)")
            }
            for command in try Self.documentedCommands() {
                let help = try TollgateCLI.run(command.words + ["--help"])
                #expect(help.contains("EXIT CODES: 0 ok, 1 invalid, 2 usage, 3 failure, 4 refused"), "\(command.words)")
                for match in help.matches(of: #/(\d+): /#) where help.contains("Exit code") {
                    #expect(documented.contains { $0.0 == Int32(match.1)! }, "\(command.words) documents exit code \(match.1)")
                }
            }
        }
    }
}
