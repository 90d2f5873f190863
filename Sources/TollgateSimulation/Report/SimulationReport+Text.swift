import Foundation

extension SimulationReport {
    /// The readable summary: per node issued / activated / synced, cheats and findings, invariants.
    public func summary() -> String {
        var lines: [String] = []
        lines.append("scenario \(scenario), seed \(seed): \(passed ? "PASSED" : "FAILED")")
        lines.append(String(format: "simulated %@ of %d nodes and %d customers in %.2f s wall: %.0f node-hours per wall second; %d events, %d audits",
                            Self.duration(simulated), nodes.count, customers, wallSeconds, nodeHoursPerWallSecond, events, audits))
        lines.append("network: \(network.sent) sent, \(network.delivered) delivered (\(network.bytesDelivered / 1_024) KiB), \(network.lost) lost, "
                     + "\(network.duplicated) duplicated, \(network.reordered) reordered, \(network.partitioned) cut off, \(network.receiverDown) to a down node")
        lines.append("")
        let header = ["node", "role", "issued", "renewed", "activated", "deact", "emerg", "refused", "unavail", "sync ok", "failed",
                      "max gap", "crashes", "down", "log", "at root", "skew", "cheats"]
        var rows = [header]
        for node in nodes {
            let s = node.statistics
            rows.append([node.name, node.role, "\(s.issued)", "\(s.renewed)", "\(s.activated)", "\(s.deactivated)", "\(s.emergencies)",
                         "\(s.refused)", "\(s.unavailable)", "\(s.syncSucceeded)", "\(s.syncFailed)",
                         node.role == "root" ? "-" : Self.duration(s.longestSyncGap * 1_000), "\(s.crashes)", Self.duration(s.downtime), "\(node.logSize)",
                         "\(node.atRoot)", "\(node.skewSeconds)s", node.cheats.isEmpty ? "-" : node.cheats.joined(separator: ",")])
        }
        lines += Self.table(rows)
        let total = { (value: (NodeStatistics) -> Int) in nodes.reduce(0) { $0 + value($1.statistics) } }
        lines.append("operators: \(total(\.delegated)) certificates delegated (first ones and top-ups), \(total(\.returned)) quota returns, "
                     + "\(total(\.revoked)) revocations; customers: \(total(\.unavailable)) requests found their agent down")
        if total(\.leased) > 0 {
            lines.append("floating seats: \(total(\.leased)) leases and borrows, \(total(\.heartbeats)) heartbeats, \(total(\.released)) releases")
        }
        if total(\.usageRecords) + total(\.usageRefusedOffline) > 0 {
            lines.append("metered use: \(total(\.usageRecords)) usage records receipted, \(total(\.usageForked)) forks logged as evidence, "
                         + "\(total(\.usageRefusedOffline)) uses refused offline past the ceiling")
        }
        var refusals: [String: Int] = [:]
        for node in nodes { refusals.merge(node.statistics.refusals, uniquingKeysWith: +) }
        if !refusals.isEmpty {
            lines.append("refusals (normal outcomes): " + refusals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("")
        if plants.isEmpty {
            lines.append("cheats planted: none")
        } else {
            lines.append("cheats planted:")
            for plant in plants {
                let when = plant.plantedAt.map { TraceRecorder.stamp($0) } ?? "never"
                lines.append("  \(plant.found ? "✓" : "✗") \(plant.node) \(plant.cheat) at \(when) → \(plant.expected) \(plant.found ? "found" : "NOT FOUND")"
                             + (plant.detail.isEmpty ? "" : " (\(plant.detail))"))
            }
        }
        lines.append("findings: \(findings.count)\(findings.isEmpty ? "" : "")")
        for finding in findings.prefix(30) {
            lines.append("  \(finding.againstHonest ? "✗ HONEST " : "")\(finding.kind) against \(finding.node): \(finding.summary)")
        }
        if findings.count > 30 { lines.append("  … \(findings.count - 30) more") }
        lines.append("")
        lines.append("invariants:")
        for result in invariants {
            let mark = result.invariant == .deterministic ? "·" : result.passed ? "✓" : "✗"
            let detail = result.invariant == .deterministic ? "trace hash \(traceHash)" : "\(result.checks) checks"
            lines.append("  \(mark) \(result.invariant.rawValue) \(result.invariant.title) (\(detail))")
            for violation in result.violations { lines.append("      - \(violation)") }
            if result.moreViolations > 0 { lines.append("      … \(result.moreViolations) more") }
        }
        for error in errors { lines.append("  ✗ node error: \(error)") }
        if !passed {
            lines.append("")
            lines.append("FAILED with seed \(seed); replay: \(replayCommand)")
        }
        return lines.joined(separator: "\n")
    }

    /// `3d 04:05` for simulated milliseconds.
    static func duration(_ milliseconds: Int64) -> String {
        let minutes = milliseconds / 60_000
        let days = minutes / 1_440
        let hours = minutes / 60 % 24
        let rest = minutes % 60
        return (days > 0 ? "\(days)d " : "") + String(format: "%02d:%02d", hours, rest)
    }

    static func table(_ rows: [[String]]) -> [String] {
        guard let width = rows.first?.count else { return [] }
        let widths = (0..<width).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column < 2 || column == width - 1 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
    }
}
