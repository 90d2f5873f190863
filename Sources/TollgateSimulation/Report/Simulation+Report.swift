import TollgateNode

extension Simulation {
    /// Gathers the report once the run is over.
    func report(wallSeconds: Double) -> SimulationReport {
        var traces = [trace] + desks.map(\.trace)
        let hash = TraceRecorder.combinedHash(&traces)
        let root = nodes[0].node
        let summaries = nodes.map { node in
            SimulationReport.NodeSummary(
                name: node.name, role: node.role.rawValue, cheats: node.cheats.map(\.rawValue), statistics: node.stats,
                logSize: (try? node.node?.logSize()) ?? 0,
                atRoot: node.role == .root ? ((try? root?.logSize()) ?? 0) : ((try? root?.mirroredLogSize(of: node.keyID)) ?? 0),
                skewSeconds: node.skewSeconds + node.jumpSeconds)
        }
        let findings = finalFindings.map { finding in
            SimulationReport.FindingSummary(kind: finding.kind.rawValue, node: finding.nodeName,
                                            againstHonest: nodeByKey[finding.node].map { treatedAsHonest($0) } ?? true,
                                            summary: finding.summary)
        }
        let planted = plants.map { plant in
            SimulationReport.PlantSummary(
                node: nodes[plant.node].name, cheat: plant.cheat.rawValue, expected: plant.cheat.expectedFinding.rawValue,
                plantedAt: plant.executedAt,
                found: finalFindings.contains { $0.node == nodes[plant.node].keyID && $0.kind == plant.cheat.expectedFinding },
                detail: plant.detail)
        }
        var invariants = checker.results()
        if let index = invariants.firstIndex(where: { $0.invariant == .deterministic }) {
            // Checked by replaying (`--replay-check`, the determinism test); one run can only report its hash.
            invariants[index].checks = 0
        }
        let failed = checker.failed
        return SimulationReport(
            scenario: scenario.name, scenarioPath: scenario.path, seed: seed, traceHash: hash, simulated: now, wallSeconds: wallSeconds,
            events: eventCount + desks.reduce(0) { $0 + $1.stepCount }, traceLines: traces.reduce(0) { $0 + $1.totalLines }, customers: scenario.customers, audits: auditCount, settledAt: settledAt,
            network: network.statistics, nodes: summaries, findings: findings, plants: planted, invariants: invariants,
            errors: checker.errors, timeline: timeline, trace: failed || options.keepTrace ? TraceRecorder.mergedRecentLines(traces, capacity: options.traceCapacity) : [])
    }
}
