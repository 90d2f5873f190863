import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// What a person meets at the prompt (issue 24): a version, short answers to slips, names checked
    /// with a suggestion, one id per object, readable times and money, and truthful help.
    @Suite struct CommandLineUsabilityTests {
        @Test func versionIsPrintedByFlagAndCommand() throws {
            for words in [["--version"], ["version"], ["-V"]] {
                let outcome = try TollgateCLI.outcome(words)
                #expect(outcome.status == 0, "\(words): \(outcome.errors)")
                #expect(outcome.output.range(of: #"^tollgate \d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(outcome.output)")
            }
            #expect(try TollgateCLI.outcome(["--help"]).output.contains("tollgate --version"))
        }

        /// A slip in a command or group gets the closest name; anything else a short usage, not the
        /// whole overview (which would push the error out of sight).
        @Test func unknownCommandsGetASuggestionOrAShortUsage() throws {
            let report = try TollgateCLI.outcome(["reprot", "quota"])
            #expect(report.status == 2)
            #expect(report.errors.contains("did you mean 'report quota'?") || report.errors.contains("did you mean 'report'?"), "\(report.errors)")
            let typo = try TollgateCLI.outcome(["machine", "activte"])
            #expect(typo.errors.contains("did you mean 'machine activate'?"), "\(typo.errors)")
            for words in [["frobnicate"], ["machine", "frobnicate"]] {
                let unknown = try TollgateCLI.outcome(words)
                #expect(unknown.status == 2)
                #expect(unknown.errors.split(separator: "\n").count <= 3, "\(unknown.errors)")
                #expect(unknown.errors.contains("USAGE: tollgate"), "\(unknown.errors)")
                #expect(!unknown.errors.contains("SUBCOMMANDS:"), "\(unknown.errors)")
            }
        }

        /// Products, features and models are checked against what the node's certificates allow, with
        /// the closest allowed name; nothing is written for a refused sale.
        @Test func misspeltNamesAreRefusedWithASuggestion() throws {
            let channel = try OfflineChannel("cli-names")
            let out = channel.scratch.path("never.license")
            let cases: [([String: String], String)] = [
                (["product": "cadd"], "did you mean 'cad'?"),
                (["model": "perpetaul"], "did you mean 'perpetual'?"),
                (["features": "export,rendr"], "did you mean 'render'?"),
                (["model": "trial"], "is not a model this node's certificates allow (perpetual, subscription)"),
            ]
            for (change, expected) in cases {
                let refused = try TollgateCLI.outcome(channel.issueArguments(out: out, change))
                #expect(refused.status == 2, "\(change): \(refused.errors)")
                #expect(refused.errors.contains(expected), "\(change): \(refused.errors)")
            }
            #expect(!FileManager.default.fileExists(atPath: out))
            // At the root, which holds nothing, models are an open set; a near miss of a common one is refused.
            let child = channel.scratch.path("child.chain")
            let delegate = ["delegate", "--dir", channel.vendor, "--subject", "other", "--subject-key", channel.agent + "/node.pub",
                            "--seats", "10", "--countries", "DE", "--product", "cad", "--price-floor", "EUR:1.00", "--out", child]
            let misspelt = try TollgateCLI.outcome(delegate + ["--models", "perpetual,subscriptoin"])
            #expect(misspelt.status == 2)
            #expect(misspelt.errors.contains("--models 'subscriptoin' is not a model; did you mean 'subscription'?"), "\(misspelt.errors)")
            #expect(!FileManager.default.fileExists(atPath: child))
            try TollgateCLI.run(delegate + ["--models", "lease"])
            // Under a parent, only the parent's names are allowed.
            let grandchild = try TollgateCLI.outcome(["delegate", "--dir", channel.agent, "--subject", "shop", "--subject-key", channel.agent + "/node.pub",
                                                      "--seats", "10", "--models", "perpetul", "--out", channel.scratch.path("shop.chain")])
            #expect(grandchild.status == 2)
            #expect(grandchild.errors.contains("did you mean 'perpetual'?"), "\(grandchild.errors)")
        }

        /// `issue` prints the id `list licenses`, `verify`, `renew` and `report customer` show and
        /// take; a unique prefix of it works, an unknown one says what was searched.
        @Test func oneIDPerLicenseIsPrintedAndTakenEverywhere() throws {
            let channel = try OfflineChannel("cli-ids")
            let licensePath = channel.scratch.path("muster.license")
            let issued = try TollgateCLI.run(channel.issueArguments(out: licensePath, ["model": "subscription", "days": "30"]))
            let hash = try SignedLicense(compact: LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: licensePath))).license).hash
            let id = HashID.short(hash)
            #expect(issued.hasPrefix("issued license \(id) to Muster GmbH"), "\(issued)")
            #expect(try TollgateCLI.run(["list", "licenses", "--dir", channel.agent]).contains("  \(id)  Muster GmbH"))
            #expect(try TollgateCLI.run(["verify", "--anchor", channel.anchor, licensePath]).hasPrefix("VALID license \(id) for Muster GmbH"))
            #expect(try TollgateCLI.run(["report", "customer", "--dir", channel.agent, "--customer", "Muster GmbH"]).contains("license \(id):"))

            let renewedPath = channel.scratch.path("renewed.license")
            let renewed = try TollgateCLI.run(["renew", "--dir", channel.agent, "--license", String(id.prefix(6)), "--days", "60", "--out", renewedPath])
            let renewal = try SignedLicense(compact: LicenseFile(data: Data(contentsOf: URL(fileURLWithPath: renewedPath))).license)
            #expect(renewal.payload.renews == hash)
            #expect(renewed.contains("as \(HashID.short(renewal.hash)) until"), "\(renewed)")

            let unknown = try TollgateCLI.outcome(["renew", "--dir", channel.agent, "--license", "qqqqqq", "--days", "60",
                                                   "--out", channel.scratch.path("never.license")])
            #expect(unknown.status != 0)
            #expect(unknown.errors.contains("no license id starts with 'qqqqqq' among the 2 licenses this node issued"), "\(unknown.errors)")
            #expect(!unknown.errors.contains("did you mean"), "\(unknown.errors)")
            // A slip in a typed id is answered with the id meant, for licenses and certificates alike.
            func slipped(_ id: String) -> String { String(id.dropLast()) + (id.last == "x" ? "y" : "x") }
            let slip = try TollgateCLI.outcome(["renew", "--dir", channel.agent, "--license", slipped(id), "--days", "60",
                                                "--out", channel.scratch.path("never.license")])
            #expect(slip.status == 4 && slip.errors.contains("did you mean '\(id)'?"), "\(slip.errors)")
            let delegated = try #require(try TollgateCLI.run(["list", "certificates", "--dir", channel.vendor])
                .split(separator: "\n").first { $0.contains("→ agent") }?.split(separator: " ").first.map(String.init))
            let revoke = try TollgateCLI.outcome(["revoke", "--dir", channel.vendor, "--certificate", slipped(delegated), "--reason", "test"])
            #expect(revoke.status == 4 && revoke.errors.contains("did you mean '\(delegated)'?"), "\(revoke.errors)")
        }

        /// Money in and out with the currency's decimals, a bare integer refused (it once meant minor
        /// units); times in ISO 8601 UTC with a relative form; durations in units.
        @Test func moneyTimesAndDurationsReadAsPeopleWriteThem() throws {
            let channel = try OfflineChannel("cli-units")
            let bare = try TollgateCLI.outcome(channel.issueArguments(out: channel.scratch.path("bare.license"), ["price": "EUR:4900"]))
            #expect(bare.status == 2)
            #expect(bare.errors.contains("'EUR:4900' has no decimal point: write EUR:4900.00 for EUR 4900, or EUR:4900minor for EUR 49.00"), "\(bare.errors)")
            let tooFine = try TollgateCLI.outcome(channel.issueArguments(out: channel.scratch.path("fine.license"), ["price": "EUR:49.001"]))
            #expect(tooFine.status == 2 && tooFine.errors.contains("at most 2 decimals"), "\(tooFine.errors)")

            let minorPath = channel.scratch.path("minor.license")
            let issued = try TollgateCLI.run(channel.issueArguments(out: minorPath, ["price": "EUR:4900minor"]))
            #expect(issued.contains("EUR 49.00"), "\(issued)")
            let subscriptionPath = channel.scratch.path("subscription.license")
            try TollgateCLI.run(channel.issueArguments(out: subscriptionPath, ["model": "subscription", "days": "30", "price": "EUR:30.00"]))
            let revenue = try TollgateCLI.run(["report", "revenue", "--dir", channel.agent])
            // 30 days at EUR 30.00: ARR EUR 365.00 (a 365-day year), MRR a twelfth of it (RecurringRevenue).
            #expect(revenue.contains("EUR: 1 active subscriptions, MRR EUR 30.41, ARR EUR 365.00"), "\(revenue)")

            let verified = try TollgateCLI.run(["verify", "--anchor", channel.anchor, subscriptionPath])
            #expect(verified.range(of: #"model:     subscription, expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in (29|30) days\)"#,
                                   options: .regularExpression) != nil, "\(verified)")
            let perpetual = try TollgateCLI.run(["verify", "--anchor", channel.anchor, minorPath])
            #expect(perpetual.contains("model:     perpetual\n"), "model: perpetual once: \(perpetual)")
            let late = try TollgateCLI.outcome(["verify", "--anchor", channel.anchor, "--at", "2099-01-01", subscriptionPath])
            #expect(late.output.range(of: #"expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, now is 2099-01-01T00:00:00Z"#, options: .regularExpression) != nil,
                    "\(late.output)")

            let held = try TollgateCLI.run(["accept", "--dir", channel.agent, channel.scratch.path("agent.chain")])
            #expect(held.contains("sync:      within 7d") && held.contains("floors:    CHF 1.00, EUR 1.00"), "\(held)")
        }

        /// Help says what the code does: the offline request window, the root's name, floors inherited
        /// per currency, and one exit-code table that a refusal by a rule (4) keeps apart from
        /// unreadable input (3).
        @Test func helpAndBehaviourAgree() throws {
            let channel = try OfflineChannel("cli-truth")
            let request = try TollgateCLI.run(["machine", "request", "--help"])
            #expect(request.contains("up to 30d after it was made"), "\(request)")
            #expect(!request.contains("few minutes"))

            let licensePath = channel.scratch.path("muster.license")
            try TollgateCLI.run(channel.issueArguments(out: licensePath))
            #expect(try TollgateCLI.run(["verify", "--anchor", channel.anchor, licensePath]).contains("chain:     vendor → agent"))
            let copied = channel.scratch.path("anchor.pub")
            try FileManager.default.copyItem(atPath: channel.anchor, toPath: copied)
            #expect(try TollgateCLI.run(["verify", "--anchor", copied, licensePath]).range(of: "chain:     anchor [A-Za-z0-9_-]{12} → agent",
                                                                                            options: .regularExpression) != nil)

            let shopChain = channel.scratch.path("shop.chain")
            try TollgateCLI.run(["delegate", "--dir", channel.agent, "--subject", "shop", "--subject-key", channel.agent + "/node.pub",
                                 "--seats", "10", "--price-floor", "EUR:2.00", "--out", shopChain])
            let shop = try CertificateChain(data: Data(contentsOf: URL(fileURLWithPath: shopChain)))
            #expect(try SignedCertificate(compact: shop.chain[shop.chain.count - 1]).payload.priceFloor == ["EUR": 200, "CHF": 100])

            let cheap = try TollgateCLI.outcome(channel.issueArguments(out: channel.scratch.path("cheap.license"), ["price": "EUR:0.50"]))
            #expect(cheap.status == 4, "\(cheap.errors)")
            #expect(cheap.errors == "error: the node refused (price_below_floor): price EUR 0.50 is below the floor EUR 1.00\n", "\(cheap.errors)")
            let unreadable = try TollgateCLI.outcome(["verify", "--anchor", channel.anchor, channel.scratch.path("missing.license")])
            #expect(unreadable.status == 3, "\(unreadable.errors)")

            let overview = try TollgateCLI.run(["--help"])
            for (code, word) in [(0, "success"), (1, "invalid"), (2, "command line"), (3, "unreadable input"), (4, "refused by a rule")] {
                #expect(overview.range(of: "\n  \(code) +[^\n]*\(word)", options: .regularExpression) != nil, "\(code): \(overview)")
            }
            #expect(try TollgateCLI.run(["issue", "--help"]).contains("EXIT CODES: 0 ok, 1 invalid, 2 usage, 3 failure, 4 refused"))
        }

        /// A running node's refusal exits 4 with the same one line as an offline one.
        @Test func aRunningNodesRefusalExitsFour() throws {
            let agent = try AgentFixture("cli-refusal")
            let remote = ["--node", agent.node.baseURL, "--token-file", agent.node.directory.appendingPathComponent("operator.token").path]
            let cheap = try TollgateCLI.outcome(["issue", "--customer", "Cheap AG", "--country", "DE", "--product", "cad", "--model", "perpetual",
                                                 "--price", "EUR:0.50", "--out", agent.scratch.path("cheap.license")] + remote)
            #expect(cheap.status == 4, "\(cheap.errors)")
            #expect(cheap.errors == "error: the node refused (price_below_floor): price EUR 0.50 is below the floor EUR 1.00\n", "\(cheap.errors)")
            agent.node.expectCleanExit()
        }

        /// A reseller sees its own standing: last sync, deadline, the last failure and why, seats left.
        @Test func aResellerSeesItsOwnStanding() throws {
            let channel = try OfflineChannel("cli-standing")
            try TollgateCLI.run(channel.issueArguments(out: channel.scratch.path("muster.license"), ["seats": "3"]))
            let fresh = try TollgateCLI.run(["report", "freshness", "--dir", channel.agent])
            #expect(fresh.contains("agent (this node)"), "\(fresh)")
            #expect(fresh.range(of: #"last sync: +\d{4}-\d\d-\d\dT[\d:]{8}Z \((now|\d+ minutes? ago)\)"#, options: .regularExpression) != nil, "\(fresh)")
            #expect(fresh.contains("(sync_within 7d): issuing stops after it without a sync"), "\(fresh)")
            #expect(fresh.contains("last attempt:  none"), "\(fresh)")
            #expect(fresh.contains("seats left:    997 of 1000 allocated"), "\(fresh)")

            let failed = try TollgateCLI.outcome(["sync", "--dir", channel.agent, "--parent", "http://127.0.0.1:9"])
            #expect(failed.status == 3, "\(failed.errors)")
            let after = try TollgateCLI.run(["report", "freshness", "--dir", channel.agent, "--json"])
            #expect(after.contains("\"last_failure\" : \"GET http://127.0.0.1:9"), "\(after)")
            #expect(try TollgateCLI.run(["report", "freshness", "--dir", channel.agent]).contains("FAILED: GET http://127.0.0.1:9"))
        }

        /// A served node says on its log when and why a sync failed.
        @Test func aServedNodeLogsWhySyncFails() throws {
            let channel = try OfflineChannel("cli-sync-log")
            let node = try NodeProcess(directory: URL(fileURLWithPath: channel.agent), extraArguments: ["--parent", "http://127.0.0.1:9"])
            let deadline = Date().addingTimeInterval(20)
            while !node.log.contains("sync with http://127.0.0.1:9 failed:") && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            #expect(node.log.range(of: #"\d{4}-\d\d-\d\dT[\d:]{8}Z sync with http://127.0.0.1:9 failed: GET http://127.0.0.1:9/v1/sync[^;]*; next try in \d+s"#,
                                   options: .regularExpression) != nil, "\(node.log)")
            node.expectCleanExit()
        }

        /// `report customer` matches names as typed, and an unknown customer is an error, not an empty history.
        @Test func customerReportsMatchAsTypedAndRefuseUnknownNames() throws {
            let channel = try OfflineChannel("cli-customer")
            try TollgateCLI.run(channel.issueArguments(out: channel.scratch.path("muster.license")))
            let history = try TollgateCLI.run(["report", "customer", "--dir", channel.agent, "--customer", "muster gmbh"])
            #expect(history.contains("entitlement history of Muster GmbH:") && history.contains("license issued"), "\(history)")
            let unknown = try TollgateCLI.outcome(["report", "customer", "--dir", channel.agent, "--customer", "Nobody AG"])
            #expect(unknown.status == 4, "\(unknown.errors)")
            #expect(unknown.errors.contains("no license in this node's subtree is for a customer named 'Nobody AG'"), "\(unknown.errors)")
            // Unknown names are answered with the nearest known ones, a slip or part of a name alike.
            try TollgateCLI.run(channel.issueArguments(out: channel.scratch.path("mustermann.license"), ["customer": "Mustermann AG"]))
            #expect(unknown.errors.contains("did you mean 'Muster GmbH'?"), "\(unknown.errors)")
            let slip = try TollgateCLI.outcome(["report", "customer", "--dir", channel.agent, "--customer", "Mustr GmbH"])
            #expect(slip.status == 4 && slip.errors.contains("did you mean 'Muster GmbH' or 'Mustermann AG'?"), "\(slip.errors)")
            let part = try TollgateCLI.outcome(["report", "customer", "--dir", channel.agent, "--customer", "mustermann"])
            #expect(part.status == 4 && part.errors.contains("did you mean 'Mustermann AG' or 'Muster GmbH'?"), "\(part.errors)")
            let quota = try TollgateCLI.run(["report", "quota", "--dir", channel.agent])
            #expect(quota.contains("temporary (emergency) ones are not counted"), "\(quota)")
        }

        /// Every `--json` output has snake_case keys (README, "JSON output"); currency codes and
        /// other dictionary keys pass unchanged.
        @Test func everyJSONOutputIsSnakeCase() throws {
            let channel = try OfflineChannel("cli-json")
            let licensePath = channel.scratch.path("muster.license")
            try TollgateCLI.run(channel.issueArguments(out: licensePath, ["model": "subscription", "days": "30"]))
            let outputs = [
                ["verify", "--anchor", channel.anchor, "--json", licensePath],
                ["list", "certificates", "--dir", channel.agent, "--json"],
                ["list", "licenses", "--dir", channel.agent, "--json"],
                ["list", "activations", "--dir", channel.agent, "--json"],
                ["audit", "--dir", channel.agent, "--json"],
            ] + (CommandLineTests.groups["report"] ?? []).map { ["report", $0, "--dir", channel.agent, "--json"] + ($0 == "customer" ? ["--customer", "Muster GmbH"] : []) }
            var keys: Set<String> = []
            for arguments in outputs {
                let outcome = try TollgateCLI.outcome(arguments)
                #expect(outcome.status == 0, "\(arguments): \(outcome.errors)")
                let json = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8))
                keys.formUnion(Self.keys(of: json))
            }
            let camel = keys.filter { $0.range(of: "^[a-z]+[A-Z]", options: .regularExpression) != nil }
            #expect(camel.isEmpty, "camelCase keys: \(camel.sorted())")
            #expect(keys.isSuperset(of: ["generated_at", "last_sync", "seats_left", "sync_within"]), "\(keys.sorted())")
        }

        static func keys(of json: Any) -> Set<String> {
            if let object = json as? [String: Any] { return Set(object.keys).union(object.values.flatMap { keys(of: $0) }) }
            if let array = json as? [Any] { return Set(array.flatMap { keys(of: $0) }) }
            return []
        }
    }
}

