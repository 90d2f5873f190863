import Foundation
import TollgateLedger

/// Reads the scenario format: a first line `# what this scenario is for`, then one setting per line,
/// `key value [name=value ...]`; `#` starts a comment. Durations are `250ms`, `30s`, `5m`, `2h`,
/// `3d`; a moment may be a range `2d..4d` drawn from the seed; rates are `2/d` or `0.5/h`.
/// Unknown keys, and unknown options of a key, are errors naming the key and the line.
public struct ScenarioParser {
    public let file: String

    public init(file: String) {
        self.file = file
    }

    public static func load(path: String) throws -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(.unreadable, "cannot read the scenario file: \(error.localizedDescription)", path: path)
        }
        var scenario = try ScenarioParser(file: path).parse(text, name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        scenario.path = path
        return scenario
    }

    public func parse(_ text: String, name: String) throws(ScenarioError) -> Scenario {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first?.trimmingCharacters(in: .whitespaces), first.hasPrefix("#"),
              !first.dropFirst().trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ScenarioError(.missingSummary, "the first line must be a comment saying what the scenario is for", path: file, lineNumber: 1)
        }
        var scenario = Scenario(name: name, summary: first.dropFirst().trimmingCharacters(in: .whitespaces))
        for (offset, raw) in lines.enumerated().dropFirst() {
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let key = words.first else { continue }
            var line = Line(file: file, number: offset + 1, key: key, words: Array(words.dropFirst()))
            try apply(&line, to: &scenario)
            try line.finish()
        }
        try validate(scenario)
        return scenario
    }

    // MARK: Keys

    private func apply(_ line: inout Line, to scenario: inout Scenario) throws(ScenarioError) {
        switch line.key {
        case "generals": scenario.generals = try line.count(min: 1)
        case "regionals_per_general": scenario.regionalsPerGeneral = try line.count(min: 1)
        case "customers": scenario.customers = try line.count(min: 0)
        case "duration": scenario.duration = try line.duration()
        case "quiet": scenario.quiet = try line.duration()
        case "settle_limit": scenario.settleLimit = try line.duration()
        case "subscription_share": scenario.subscriptionShare = try line.probability()
        case "trial_share": scenario.trialShare = try line.probability()
        case "subscription_term": scenario.subscriptionTermSeconds = try line.duration() / Scenario.second
        case "trial_term": scenario.trialTermSeconds = try line.duration() / Scenario.second
        case "renew_share": scenario.renewShare = try line.probability()
        case "rehost_share": scenario.rehostShare = try line.probability()
        case "travel_share": scenario.travelShare = try line.probability()
        case "emergency_share": scenario.emergencyShare = try line.probability()
        case "offline_share": scenario.offlineShare = try line.probability()
        case "observe_share": scenario.observeShare = try line.probability()
        case "wide_territory_share": scenario.wideTerritoryShare = try line.probability()
        case "max_seats": scenario.maxSeats = UInt64(try line.count(min: 1))
        case "floating_share": scenario.floatingShare = try line.probability()
        case "floating_seats": scenario.floatingSeats = UInt64(try line.count(min: 1))
        case "floating_lease": scenario.floatingLeaseSeconds = max(1, try line.duration() / Scenario.second)
        case "floating_borrow": scenario.floatingBorrowSeconds = try line.duration() / Scenario.second
        case "metered_share": scenario.meteredShare = try line.probability()
        case "metered_allowance": scenario.meteredAllowance = Int64(try line.count(min: 10))
        case "usage_rollback": scenario.usageRollbackShare = try line.probability()
        case "sync_interval": scenario.syncIntervalSeconds = try line.duration() / Scenario.second
        case "sync_timeout": scenario.syncTimeout = try line.duration()
        case "sync_within": scenario.syncWithinSeconds = try line.duration() / Scenario.second
        case "latency": scenario.latency = try line.durationRange()
        case "loss": scenario.loss = try line.probability()
        case "duplicate": scenario.duplicate = try line.probability()
        case "reorder":
            scenario.reorder = try line.probability()
            if let delay = try line.option("delay", Line.parseDuration) { scenario.reorderDelay = delay }
        case "general_seats": scenario.generalSeats = UInt64(try line.count(min: 1))
        case "general_top_up": scenario.generalTopUpSeats = UInt64(try line.count(min: 1))
        case "regional_seats": scenario.regionalSeats = UInt64(try line.count(min: 1))
        case "regional_top_up": scenario.regionalTopUpSeats = UInt64(try line.count(min: 1))
        case "top_up_below": scenario.topUpBelow = UInt64(try line.count(min: 0))
        case "top_up_delay": scenario.topUpDelay = try line.durationRange()
        case "quota_returns":
            scenario.quotaReturnsPerDay = try line.rate()
            if let size = try line.option("size", Line.parseCount) { scenario.returnSize = UInt64(max(1, size)) }
        case "revocations":
            scenario.revocationsPerDay = try line.rate()
            if let notice = try line.option("notice", Line.parseDuration) { scenario.revokeNoticeSeconds = notice / Scenario.second }
        case "partition":
            let node = try line.node()
            let direction = try line.direction()
            scenario.partitions.append(Scenario.Partition(node: node, direction: direction, start: try line.required("at", Line.parseMoment),
                                                          length: try line.required("for", Line.parseDuration)))
        case "flap":
            let node = try line.node()
            let direction = try line.direction()
            scenario.flaps.append(Scenario.Flap(node: node, direction: direction, start: try line.required("from", Line.parseMoment),
                                                length: try line.required("for", Line.parseDuration),
                                                up: try line.required("up", Line.parseDuration), down: try line.required("down", Line.parseDuration)))
        case "random_partitions":
            let rate = try line.rate()
            scenario.randomPartitions = Scenario.RandomPartitions(
                perDay: rate, mean: try line.required("mean", Line.parseDuration), longest: try line.required("max", Line.parseDuration),
                oneWay: try line.option("oneway", Line.parseProbability) ?? 0.3)
        case "crash":
            let node = try line.node()
            scenario.crashes.append(Scenario.Crash(node: node, at: try line.required("at", Line.parseMoment),
                                                   downFor: try line.required("for", Line.parseDuration)))
        case "crash_loop":
            let node = try line.node()
            scenario.crashLoops.append(Scenario.CrashLoop(node: node, start: try line.required("from", Line.parseMoment),
                                                          length: try line.required("for", Line.parseDuration),
                                                          every: try line.required("every", Line.parseDuration),
                                                          down: try line.required("down", Line.parseDuration)))
        case "random_crashes":
            let rate = try line.rate()
            scenario.randomCrashes = Scenario.RandomCrashes(perDay: rate, mean: try line.required("mean", Line.parseDuration),
                                                            longest: try line.required("max", Line.parseDuration),
                                                            includeRoot: try line.option("root", Line.parseBool) ?? false)
        case "skew":
            let node = try line.node()
            scenario.skews.append(Scenario.Skew(node: node, seconds: try line.signedDuration() / Scenario.second))
        case "random_skew": scenario.randomSkewSeconds = try line.duration() / Scenario.second
        case "jump":
            let node = try line.node()
            scenario.jumps.append(Scenario.Jump(node: node, at: try line.required("at", Line.parseMoment),
                                                seconds: try line.required("by", Line.parseSignedDuration) / Scenario.second))
        case "random_jumps":
            let rate = try line.rate()
            scenario.randomJumps = Scenario.RandomJumps(perDay: rate, largestSeconds: try line.required("max", Line.parseDuration) / Scenario.second)
        case "adversary":
            let node = try line.node()
            let cheat = try line.cheat()
            scenario.adversaries.append(Scenario.Plant(node: node, cheat: cheat, at: try line.required("at", Line.parseMoment)))
        case "storage_faults":
            let node = try line.node()
            let word = try line.next()
            guard let fault = SQLiteFault(rawValue: word) else {
                throw line.error(.invalidValue, "unknown storage fault '\(word)' (\(SQLiteFault.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            scenario.storageFaults.append(Scenario.StorageFaultPlan(
                node: node, fault: fault, probability: try line.probability(),
                start: try line.option("from", Line.parseMoment) ?? Scenario.Moment(0), length: try line.option("for", Line.parseDuration)))
        case "audit_every": scenario.auditEvery = try line.duration()
        case "audit_generals": scenario.auditGenerals = try line.value(Line.parseBool)
        case "test_seeds": scenario.testSeeds = try line.count(min: 1)
        case "test_customers": scenario.testCustomers = try line.count(min: 0)
        case "test_duration": scenario.testDuration = try line.duration()
        default:
            throw line.error(.unknownKey, "unknown key '\(line.key)'")
        }
    }

    /// Rules that keep honest nodes honest-looking: an outage longer than `sync_within`, or a clock
    /// further off than the audit's tolerance, would rightly raise findings against honest nodes.
    private func validate(_ scenario: Scenario) throws(ScenarioError) {
        let within = scenario.syncWithinSeconds * Scenario.second
        for (label, length) in scenario.partitions.map({ ("partition", $0.length) }) + scenario.crashes.map({ ("crash", $0.downFor) })
            where length >= within {
            throw ScenarioError(.unsafeSettings, "a \(label) of \(length / Scenario.hour) h is not shorter than sync_within: honest nodes would be stale",
                                path: file)
        }
        if let random = scenario.randomPartitions, random.longest >= within / 2 {
            throw ScenarioError(.unsafeSettings, "random_partitions max must be under half of sync_within (overlapping cuts add up)", path: file)
        }
        // A node's clock is off by its skew plus its jumps; two nodes may be off in opposite
        // directions, and node-signed requests allow 300 s between parent and child.
        let names = Set((scenario.skews.map(\.node) + scenario.jumps.map(\.node)).map(\.description))
        for name in names.sorted() + ["any node"] {
            let skew = scenario.skews.filter { $0.node.description == name }.map { abs($0.seconds) }.max() ?? scenario.randomSkewSeconds
            let jumps = scenario.jumps.filter { $0.node.description == name }.map { abs($0.seconds) }.reduce(0, +)
            let worst = skew + jumps + (scenario.randomJumps?.largestSeconds ?? 0)
            if worst > 150 {
                throw ScenarioError(.unsafeSettings, "the clock of \(name) may be off by \(worst) s: keep honest clocks within 150 s "
                                    + "(parent and child may be off in opposite directions; signed requests allow 300 s between them)", path: file)
            }
        }
        if scenario.revokeNotice <= scenario.syncWithinSeconds {
            throw ScenarioError(.unsafeSettings, "revocation notice must exceed sync_within, or honest agents sell under a revoked certificate "
                                + "before they can hear of it", path: file)
        }
        if scenario.latency.lowerBound < 1 {
            throw ScenarioError(.invalidValue, "latency must be at least 1ms", path: file)
        }
    }
}
