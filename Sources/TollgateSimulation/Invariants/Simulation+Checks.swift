import TollgateCertificates
import TollgateLedger
import TollgateNode

extension Simulation {
    // MARK: Invariant 2: nothing acknowledged is lost

    /// After a restart: the log still holds what it held at the crash, unchanged, and every object
    /// the node handed out since the last check is in its store.
    func checkAcknowledged(_ node: SimulatedNode) {
        guard let live = node.node else { return }
        do {
            if let (size, root) = node.checkedLog {
                let now = try live.logSize()
                checker.check(.withinCertificates, now >= size, "\(node.name)'s log shrank from \(size) to \(now) entries across a crash")
                if now >= size {
                    checker.check(.withinCertificates, try live.store.log.rootHash(atSize: size) == root,
                                  "\(node.name)'s log was rewritten across a crash: its first \(size) entries differ")
                }
            }
            for object in node.acknowledged {
                switch object {
                case .license(let hash, let index):
                    let entry = try? live.logEntries(in: index..<(index + 1)).first
                    let kept = entry.map { JWS.hash(of: String(decoding: $0.bytes, as: UTF8.self)) == hash } ?? false
                    checker.check(.withinCertificates, kept, "\(node.name) lost license \(hash.prefix(8)) (log index \(index)) across a crash")
                case .activation(let hash):
                    checker.check(.withinCertificates, try live.store.activation(hash: hash) != nil,
                                  "\(node.name) lost activation \(hash.prefix(8)) across a crash")
                case .deactivation(let activation):
                    checker.check(.withinCertificates, try live.store.activation(hash: activation)?.endedAt != nil,
                                  "\(node.name) lost the deactivation of \(activation.prefix(8)) across a crash")
                case .delegation(let hash):
                    checker.check(.withinCertificates, try live.store.delegation(hash: hash) != nil,
                                  "\(node.name) lost delegated certificate \(hash.prefix(8)) across a crash")
                case .quotaReturn(let hash):
                    checker.check(.withinCertificates, try live.store.quotaReturns().contains { $0.quotaReturn.hash == hash },
                                  "\(node.name) lost quota return \(hash.prefix(8)) across a crash")
                case .revocation(let hash):
                    checker.check(.withinCertificates, try live.store.revocations().contains { $0.hash == hash },
                                  "\(node.name) lost revocation \(hash.prefix(8)) across a crash")
                }
            }
            node.acknowledged.removeAll(keepingCapacity: true)
        } catch {
            unexpected(error, "checking what survived a crash", at: node)
        }
    }

    // MARK: Invariant 4, during the run

    /// The root audits its subtree; no finding may name an honest node.
    func periodicAudit() {
        guard nodes[0].isUp else { return }
        do {
            let findings = try call(.runAudit, at: nodes[0], expecting: .ok, "auditing", as: [AuditFinding].self)
            auditCount += 1
            note("audit at the root: \(findings.count) finding(s)")
            judge(findings, during: true)
        } catch {
            note("the root cannot audit now: \(error)")
        }
    }

    /// Whether the checker treats `node` as honest.
    func treatedAsHonest(_ node: Int) -> Bool {
        nodes[node].isHonest || options.hideCheatersFromChecker
    }

    /// Records when findings were first seen and fails invariant 4 for any naming an honest node.
    func judge(_ findings: [AuditFinding], during: Bool) {
        for finding in findings where findingSeen[finding.id] == nil {
            findingSeen[finding.id] = now
            let index = nodeByKey[finding.node]
            timeline.findings.append(Timeline.Marker(node: index ?? 0, time: now, label: finding.kind.rawValue))
            note("FINDING \(finding.kind) against \(finding.nodeName): \(finding.summary)")
            guard let index else {
                checker.fail(.cheatsFound, "a finding names an unknown node \(finding.node): \(finding.summary)")
                continue
            }
            checker.check(.cheatsFound, !treatedAsHonest(index),
                          "\(during ? "during the run" : "at the end"): \(finding.kind) against honest \(finding.nodeName): \(finding.summary)")
        }
    }

    // MARK: Timeline

    func sampleLag() {
        for node in nodes.dropFirst() {
            guard let live = node.node, let contact = try? live.lastParentContact() else { continue }
            timeline.lag[node.index].append((now, node.clock(at: now) - contact))
        }
    }

    // MARK: After the run

    func finish() {
        closeDesks()
        let (checked, rejections) = customerVerifier.drain()
        checker.passed(.verifierSound, count: checked - rejections.count)
        for rejection in rejections { checker.fail(.verifierSound, rejection) }
        timeline.closeAll(at: now)
        timeline.end = now
        checkConvergence()
        checkFindings()
        for node in nodes where node.isUp { checkAcknowledged(node) }
    }

    /// Invariant 3: every node's log, entry for entry, at the root.
    private func checkConvergence() {
        guard let root = nodes[0].node else {
            checker.fail(.convergence, "the root is down at the end")
            return
        }
        if settledAt == nil { checker.fail(.convergence, "the root's mirrors did not catch up within the settle limit") }
        for node in nodes.dropFirst() {
            guard let live = node.node else {
                checker.fail(.convergence, "\(node.name) is down at the end")
                continue
            }
            do {
                let size = try live.logSize()
                let mirrored = try root.mirroredLogSize(of: node.keyID)
                guard mirrored == size else {
                    checker.fail(.convergence, "the root holds \(mirrored) of \(node.name)'s \(size) entries")
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
                checker.check(.convergence, same, "the root's copy of \(node.name)'s log differs from the log")
            } catch {
                unexpected(error, "comparing logs", at: node)
            }
        }
    }

    /// The audit at the end, after the workload: its storage faults are over, but one may still hit a run that started before.
    private func finalAudit(at node: SimulatedNode) throws(ServiceRefusal) -> [AuditFinding] {
        var attempts = 0
        while true {
            do {
                return try call(.runAudit, at: node, expecting: .ok, "the final audit", as: [AuditFinding].self)
            } catch where error.isStorage && attempts < 5 {
                attempts += 1
            }
        }
    }

    /// Invariant 4 at the end: the root's audit, the general agents' audits of their subtrees and
    /// every finding any honest node stored (log equivocation is found where the forked push lands).
    private func checkFindings() {
        var all: [String: AuditFinding] = [:]
        func gather(_ findings: [AuditFinding]) {
            for finding in findings { all[finding.id] = finding }
        }
        for node in nodes where node.isUp {
            do {
                if node.role == .root || (node.role == .general && scenario.auditGenerals) {
                    gather(try finalAudit(at: node))
                    if node.role == .root { auditCount += 1 }
                } else if treatedAsHonest(node.index) {
                    gather(try call(.listFindings, at: node, expecting: .ok, "listing findings", as: [AuditFinding].self))
                }
                if node.role == .general && !scenario.auditGenerals {
                    gather(try call(.listFindings, at: node, expecting: .ok, "listing findings", as: [AuditFinding].self))
                }
            } catch {
                unexpected(error, "the final audit", at: node)
            }
        }
        let findings = all.values.sorted { ($0.node, $0.kind.rawValue, $0.id) < ($1.node, $1.kind.rawValue, $1.id) }
        judge(findings, during: false)
        finalFindings = findings
        for plant in plants {
            let node = nodes[plant.node]
            guard plant.executedAt != nil else {
                checker.fail(.cheatsFound, "\(plant.cheat.rawValue) on \(node.name) could not be planted (\(plant.attempts) attempts)")
                continue
            }
            let found = findings.contains { $0.node == node.keyID && $0.kind == plant.cheat.expectedFinding }
            checker.check(.cheatsFound, found,
                          "\(plant.cheat.rawValue) on \(node.name) was not found: no \(plant.cheat.expectedFinding) names it "
                          + "(found: \(findings.filter { $0.node == node.keyID }.map(\.kind.rawValue).sorted()))")
        }
    }
}
