/// The outcome of one run: what each node did, what the audits found, how each invariant fared,
/// the trace hash, and what the timeline picture needs.
public struct SimulationReport: Sendable {
    public struct NodeSummary: Sendable {
        public var name: String
        public var role: String
        public var cheats: [String]
        public var statistics: NodeStatistics
        public var logSize: UInt64
        /// How much of the node's log the root holds.
        public var atRoot: UInt64
        public var skewSeconds: Int64
    }

    public struct FindingSummary: Sendable {
        public var kind: String
        public var node: String
        public var againstHonest: Bool
        public var summary: String
    }

    public struct PlantSummary: Sendable {
        public var node: String
        public var cheat: String
        public var expected: String
        /// Simulated time it was carried out; nil when it never could be.
        public var plantedAt: Int64?
        public var found: Bool
        public var detail: String
    }

    public var scenario: String
    public var scenarioPath: String?
    public var seed: UInt64
    public var traceHash: String
    /// Simulated milliseconds covered.
    public var simulated: Int64
    public var wallSeconds: Double
    public var events: Int
    public var traceLines: Int
    public var customers: Int
    public var audits: Int
    public var settledAt: Int64?
    public var network: NetworkStatistics
    public var nodes: [NodeSummary]
    public var findings: [FindingSummary]
    public var plants: [PlantSummary]
    public var invariants: [InvariantResult]
    /// Errors the node code threw that no workload expects.
    public var errors: [String]
    public var timeline: Timeline
    /// The most recent trace lines (kept when the run fails, or on request).
    public var trace: [String]

    public var passed: Bool { errors.isEmpty && invariants.allSatisfy(\.passed) }

    /// Simulated node-hours per second of wall time.
    public var nodeHoursPerWallSecond: Double {
        Double(nodes.count) * Double(simulated) / 3_600_000 / max(wallSeconds, 1e-9)
    }

    /// The command that replays this run.
    public var replayCommand: String {
        "tollgate sim run \(scenarioPath ?? "Simulations/\(scenario).sim") --seed \(seed)"
    }

    /// The file name a failing run's trace is written to.
    public var traceFileName: String { "sim-trace-\(scenario)-seed-\(seed).txt" }
}
