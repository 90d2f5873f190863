import TollgateCertificates
import TollgateLedger
import TollgateNode

/// Checks what the nodes hold against the invariants, beside the run's checker: nothing a node
/// acknowledged is lost across a crash (2), every log reaches the root whole (3), and audits find
/// the cheats and never an honest node (4). Keeps when each finding was first seen, the findings
/// stored at the end, how often the root audited and when the root's mirrors caught up.
final class AuditWatch {
    private let context: RunContext
    private let channel: Channel
    private let console: OperatorConsole
    /// First time each finding was seen, by id.
    private var findingSeen: [String: Int64] = [:]
    /// Every finding stored anywhere at the end, for the report.
    private(set) var finalFindings: [AuditFinding] = []
    private(set) var auditCount = 0
    /// When the root first held every node's whole log, after the workload.
    private(set) var settledAt: Int64?
    /// Findings that name a customer's machine rather than a node (a forked usage chain), by id:
    /// judged at the end against the machines the workload restored from a snapshot.
    private var machineFindings: [String: AuditFinding] = [:]
    /// Thumbprints of the machines restored from a snapshot, known at the end.
    private var rolledBack: Set<String> = []

    init(context: RunContext, channel: Channel, console: OperatorConsole) {
        self.context = context
        self.channel = channel
        self.console = console
    }

    private var now: Int64 { context.now }

    /// Whether the checker treats node `index` as honest.
    func treatedAsHonest(_ index: Int) -> Bool {
        channel[index].isHonest || context.options.hideCheatersFromChecker
    }

    /// Whether the root holds every node's whole log now; the first time it does, the run has settled.
    func settle() -> Bool {
        guard channel.converged() else { return false }
        settledAt = now
        return true
    }

    // MARK: Invariant 2: nothing acknowledged is lost

    /// After a restart: the log still holds what it held at the crash, unchanged, and every object
    /// the node handed out since the last check is in its store.
    func checkAcknowledged(_ node: SimulatedNode) {
        guard let live = node.node else { return }
        do {
            if let (size, root) = node.checkedLog {
                let now = try live.logSize()
                context.checker.check(.withinCertificates, now >= size, "\(node.name)'s log shrank from \(size) to \(now) entries across a crash")
                if now >= size {
                    context.checker.check(.withinCertificates, try live.store.log.rootHash(atSize: size) == root,
                                          "\(node.name)'s log was rewritten across a crash: its first \(size) entries differ")
                }
            }
            for object in node.acknowledged {
                switch object {
                case .license(let hash, let index):
                    let entry = try? live.logEntries(in: index..<(index + 1)).first
                    let kept = entry.map { JWS.hash(of: String(decoding: $0.bytes, as: UTF8.self)) == hash } ?? false
                    context.checker.check(.withinCertificates, kept, "\(node.name) lost license \(hash.prefix(8)) (log index \(index)) across a crash")
                case .activation(let hash):
                    context.checker.check(.withinCertificates, try live.store.activation(hash: hash) != nil,
                                          "\(node.name) lost activation \(hash.prefix(8)) across a crash")
                case .deactivation(let activation):
                    context.checker.check(.withinCertificates, try live.store.activation(hash: activation)?.endedAt != nil,
                                          "\(node.name) lost the deactivation of \(activation.prefix(8)) across a crash")
                case .delegation(let hash):
                    context.checker.check(.withinCertificates, try live.store.delegation(hash: hash) != nil,
                                          "\(node.name) lost delegated certificate \(hash.prefix(8)) across a crash")
                case .quotaReturn(let hash):
                    context.checker.check(.withinCertificates, try live.store.quotaReturns().contains { $0.quotaReturn.hash == hash },
                                          "\(node.name) lost quota return \(hash.prefix(8)) across a crash")
                case .lease(let hash):
                    context.checker.check(.withinCertificates, try live.store.lease(hash: hash) != nil,
                                          "\(node.name) lost lease \(hash.prefix(8)) across a crash")
                case .leaseRelease(let lease):
                    context.checker.check(.withinCertificates, try live.store.lease(hash: lease)?.endedAt != nil,
                                          "\(node.name) lost the release of lease \(lease.prefix(8)) across a crash")
                case .revocation(let hash):
                    context.checker.check(.withinCertificates, try live.store.revocations().contains { $0.hash == hash },
                                          "\(node.name) lost revocation \(hash.prefix(8)) across a crash")
                }
            }
            node.acknowledged.removeAll(keepingCapacity: true)
        } catch {
            context.unexpected(error, "checking what survived a crash", at: node)
        }
    }

    // MARK: Invariant 4, during the run

    /// The root audits its subtree; no finding may name an honest node.
    func periodicAudit() {
        guard channel.root.isUp else { return }
        do {
            let findings = try console.call(.runAudit, at: channel.root, expecting: .ok, "auditing", as: [AuditFinding].self)
            auditCount += 1
            context.note("audit at the root: \(findings.count) finding(s)")
            judge(findings, during: true)
        } catch {
            context.note("the root cannot audit now: \(error)")
        }
    }

    /// Records when findings were first seen and fails invariant 4 for any naming an honest node.
    private func judge(_ findings: [AuditFinding], during: Bool) {
        for finding in findings where findingSeen[finding.id] == nil {
            findingSeen[finding.id] = now
            let index = channel.index(ofKey: finding.node)
            context.record.found(Timeline.Marker(node: index ?? 0, time: now, label: finding.kind.rawValue))
            context.note("FINDING \(finding.kind) against \(finding.nodeName): \(finding.summary)")
            guard let index else {
                if Self.machineKinds.contains(finding.kind) {
                    machineFindings[finding.id] = finding
                } else {
                    context.checker.fail(.cheatsFound, "a finding names an unknown node \(finding.node): \(finding.summary)")
                }
                continue
            }
            context.checker.check(.cheatsFound, !treatedAsHonest(index),
                                  "\(during ? "during the run" : "at the end"): \(finding.kind) against honest \(finding.nodeName): \(finding.summary)")
        }
    }

    /// The findings that name a machine by its key's thumbprint.
    static let machineKinds: Set<AuditFinding.Kind> = [.usageFork, .usageBeyondAllowance]

    // MARK: After the run

    /// The checks at the end: convergence, the final audits against the plants, and what every
    /// running node acknowledged.
    func finish(plants: [PlantedCheat], tally: RevenueTally, leases: [(node: Int, lease: LeaseBook.Held)] = [],
                usage: UsageTally, rolledBack: [String]) {
        self.rolledBack = Set(rolledBack)
        checkConvergence()
        checkLeasesAtRoot(leases)
        checkRevenue(tally, wholeChannel: plants.isEmpty)
        checkUsage(usage)
        checkFindings(plants: plants)
        checkMachineFindings()
        for node in channel.nodes where node.isUp { checkAcknowledged(node) }
    }

    /// What the report says of each finding stored at the end.
    var findingSummaries: [SimulationReport.FindingSummary] {
        finalFindings.map { finding in
            SimulationReport.FindingSummary(kind: finding.kind.rawValue, node: finding.nodeName,
                                            againstHonest: channel.index(ofKey: finding.node).map { treatedAsHonest($0) }
                                                ?? !(finding.kind == .usageFork && rolledBack.contains(finding.node)),
                                            summary: finding.summary)
        }
    }

    /// Invariant 3: every node's log, entry for entry, at the root.
    private func checkConvergence() {
        guard let root = channel.root.node else {
            context.checker.fail(.convergence, "the root is down at the end")
            return
        }
        if settledAt == nil { context.checker.fail(.convergence, "the root's mirrors did not catch up within the settle limit") }
        for node in channel.agents {
            guard let live = node.node else {
                context.checker.fail(.convergence, "\(node.name) is down at the end")
                continue
            }
            do {
                let size = try live.logSize()
                let mirrored = try root.mirroredLogSize(of: node.keyID)
                guard mirrored == size else {
                    context.checker.fail(.convergence, "the root holds \(mirrored) of \(node.name)'s \(size) entries")
                    continue
                }
                var start: UInt64 = 0
                var same = true
                while start < size, same {
                    let end = min(size, start + 4_096)
                    let own = try live.logEntries(in: start..<end)
                    let copy = try root.mirroredEntries(of: node.keyID, in: start..<end)
                    same = zip(own, copy).allSatisfy { $0.bytes == $1.bytes && $0.kind == $1.kind }
                    start = end
                }
                context.checker.check(.convergence, same, "the root's copy of \(node.name)'s log differs from the log")
            } catch {
                context.unexpected(error, "comparing logs", at: node)
            }
        }
    }

    /// Invariant 3 for floating seats: every lease a customer was handed by an honest agent is in
    /// the root's copy of that agent's log, at the index the lease names.
    private func checkLeasesAtRoot(_ leases: [(node: Int, lease: LeaseBook.Held)]) {
        guard let root = channel.root.node else { return }
        for (index, held) in leases where treatedAsHonest(index) {
            let node = channel[index]
            guard let logIndex = held.logIndex else {
                context.checker.fail(.convergence, "\(node.name)'s lease \(held.hash.prefix(8)) names no log index")
                continue
            }
            do {
                let entry = try root.mirroredEntries(of: node.keyID, in: logIndex..<(logIndex + 1)).first
                let kept = entry.map { JWS.hash(of: String(decoding: $0.bytes, as: UTF8.self)) == held.hash } ?? false
                context.checker.check(.convergence, kept, "the root does not hold \(node.name)'s lease \(held.hash.prefix(8)) at log index \(logIndex)")
            } catch {
                context.unexpected(error, "reading the root's copy of a lease", at: node)
            }
        }
    }

    /// Invariant 3, in money: the root's revenue reports, read from the logs it holds, equal the
    /// customers' own tally (``RevenueTally``): ARR per honest agent at the end, and, when no cheat
    /// was planted, retention from the middle of the workload to the end, the renewal rate and
    /// how many licenses were activated.
    private func checkRevenue(_ tally: RevenueTally, wholeChannel: Bool) {
        let root = channel.root, end = context.trueSeconds
        let middle = context.epoch + context.scenario.duration / 2_000
        func report(_ name: String, _ query: ReportQuery) throws(ServiceRefusal) -> ChannelReport {
            try console.call(.report, at: root, parameters: ["name": name], query: query.items.map { (name: $0.0, value: $0.1) },
                             expecting: .ok, "the \(name) report", as: ChannelReport.self)
        }
        do {
            let honest = channel.agents.filter { treatedAsHonest($0.index) }.map { (key: $0.keyID, name: $0.name) }
            var mismatches = tally.recurringMismatches(try report("recurring", ReportQuery(at: end)), agents: honest, at: end)
            if wholeChannel && middle < end {
                mismatches += tally.retentionMismatches(try report("retention", ReportQuery(at: end, from: middle)), from: middle, to: end)
                mismatches += tally.conversionMismatches(try report("conversion", ReportQuery()))
            }
            context.checker.passed(.convergence, count: 1)
            for mismatch in mismatches { context.checker.fail(.convergence, mismatch) }
        } catch {
            context.unexpected(error, "reading the root's revenue reports", at: root)
        }
    }

    /// Invariant 3 for metered use: the root's `usage` report bills what each honest agent's
    /// customers had receipted, record for record, and nothing else of theirs.
    private func checkUsage(_ usage: UsageTally) {
        guard context.scenario.meteredShare > 0 else { return }
        let root = channel.root
        do {
            let report = try console.call(.report, at: root, parameters: ["name": "usage"], expecting: .ok, "the usage report", as: ChannelReport.self)
            let honest = Set(channel.agents.filter { treatedAsHonest($0.index) }.map(\.name))
            context.checker.passed(.convergence, count: 1)
            for mismatch in usage.mismatches(report.usage ?? [], sellers: honest) { context.checker.fail(.convergence, mismatch) }
        } catch {
            context.unexpected(error, "reading the root's usage report", at: root)
        }
    }

    /// Invariant 4 for machines: every machine restored from a snapshot is named by a `usage_fork`,
    /// and no finding names any other machine.
    private func checkMachineFindings() {
        let findings = machineFindings.values.sorted { ($0.node, $0.id) < ($1.node, $1.id) }
        for machine in rolledBack.sorted() {
            context.checker.check(.cheatsFound, findings.contains { $0.node == machine && $0.kind == .usageFork },
                                  "machine \(HashID.short(machine)) was restored from a snapshot and forked its usage chain, but no usage_fork names it")
        }
        for finding in findings {
            context.checker.check(.cheatsFound, finding.kind == .usageFork && rolledBack.contains(finding.node),
                                  "\(finding.kind) against a machine that was not restored from a snapshot, \(finding.nodeName): \(finding.summary)")
        }
    }

    /// The audit at the end, after the workload: its storage faults are over, but one may still hit a run that started before.
    private func finalAudit(at node: SimulatedNode) throws(ServiceRefusal) -> [AuditFinding] {
        var attempts = 0
        while true {
            do {
                return try console.call(.runAudit, at: node, expecting: .ok, "the final audit", as: [AuditFinding].self)
            } catch where error.isStorage && attempts < 5 {
                attempts += 1
            }
        }
    }

    /// Invariant 4 at the end: the root's audit, the general agents' audits of their subtrees and
    /// every finding any honest node stored (log equivocation is found where the forked push lands).
    private func checkFindings(plants: [PlantedCheat]) {
        let scenario = context.scenario
        var all: [String: AuditFinding] = [:]
        func gather(_ findings: [AuditFinding]) {
            for finding in findings { all[finding.id] = finding }
        }
        for node in channel.nodes where node.isUp {
            do {
                if node.role == .root || (node.role == .general && scenario.auditGenerals) {
                    gather(try finalAudit(at: node))
                    if node.role == .root { auditCount += 1 }
                } else if treatedAsHonest(node.index) {
                    gather(try console.call(.listFindings, at: node, expecting: .ok, "listing findings", as: [AuditFinding].self))
                }
                if node.role == .general && !scenario.auditGenerals {
                    gather(try console.call(.listFindings, at: node, expecting: .ok, "listing findings", as: [AuditFinding].self))
                }
            } catch {
                context.unexpected(error, "the final audit", at: node)
            }
        }
        let findings = all.values.sorted { ($0.node, $0.kind.rawValue, $0.id) < ($1.node, $1.kind.rawValue, $1.id) }
        judge(findings, during: false)
        finalFindings = findings
        for plant in plants {
            let node = channel[plant.node]
            guard plant.executedAt != nil else {
                context.checker.fail(.cheatsFound, "\(plant.cheat.rawValue) on \(node.name) could not be planted (\(plant.attempts) attempts)")
                continue
            }
            let found = findings.contains { $0.node == node.keyID && $0.kind == plant.cheat.expectedFinding }
            context.checker.check(.cheatsFound, found,
                                  "\(plant.cheat.rawValue) on \(node.name) was not found: no \(plant.cheat.expectedFinding) names it "
                                  + "(found: \(findings.filter { $0.node == node.keyID }.map(\.kind.rawValue).sorted()))")
        }
    }
}
