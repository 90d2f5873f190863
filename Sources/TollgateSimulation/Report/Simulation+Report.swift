extension Simulation {
    /// Gathers the report once the run is over, from what each part kept.
    func report(wallSeconds: Double) -> SimulationReport {
        let record = context.record
        let options = context.options
        var traces = [record.trace] + customers.traces
        let hash = TraceRecorder.combinedHash(&traces)
        var invariants = context.checker.results()
        if let index = invariants.firstIndex(where: { $0.invariant == .deterministic }) {
            // Checked by replaying (`--replay-check`, the determinism test); one run can only report its hash.
            invariants[index].checks = 0
        }
        let failed = context.checker.failed
        return SimulationReport(
            scenario: context.scenario.name, scenarioPath: context.scenario.path, seed: seed, traceHash: hash, simulated: context.now,
            wallSeconds: wallSeconds, events: context.clock.eventCount + customers.stepCount, traceLines: traces.reduce(0) { $0 + $1.totalLines },
            customers: context.scenario.customers, audits: watch.auditCount, settledAt: watch.settledAt, network: channel.statistics,
            nodes: channel.summaries, findings: watch.findingSummaries, plants: adversary.summaries(findings: watch.finalFindings),
            invariants: invariants, errors: context.checker.errors, timeline: record.timeline,
            trace: failed || options.keepTrace ? TraceRecorder.mergedRecentLines(traces, capacity: options.traceCapacity) : [])
    }
}
