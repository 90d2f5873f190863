/// What the timeline picture shows: per node, its outages (cut links, crashes), its sync lag over
/// time, the cheats planted on it and the findings raised. Times are simulated milliseconds.
public struct Timeline: Sendable {
    public enum OutageKind: String, Sendable, Hashable {
        /// The uplink is cut both ways.
        case cut
        /// Only the node's messages to its parent are lost.
        case cutUp
        /// Only the parent's messages to the node are lost.
        case cutDown
        case crash
    }

    public struct Outage: Sendable, Hashable {
        public var node: Int
        public var kind: OutageKind
        public var start: Int64
        public var end: Int64?
    }

    public struct Marker: Sendable, Hashable {
        public var node: Int
        public var time: Int64
        public var label: String
    }

    public var nodes: [String] = []
    public var roles: [String] = []
    public var outages: [Outage] = []
    /// Per node: (time, seconds since the last contact with its parent).
    public var lag: [[(time: Int64, seconds: Int64)]] = []
    public var plants: [Marker] = []
    public var findings: [Marker] = []
    public var workloadEnd: Int64 = 0
    public var end: Int64 = 0
    public var syncWithinSeconds: Int64 = 0

    public init() {}

    mutating func open(_ kind: OutageKind, node: Int, at time: Int64) {
        outages.append(Outage(node: node, kind: kind, start: time, end: nil))
    }

    mutating func close(_ kind: OutageKind, node: Int, at time: Int64) {
        if let index = outages.lastIndex(where: { $0.node == node && $0.kind == kind && $0.end == nil }) {
            outages[index].end = time
        }
    }

    mutating func closeAll(at time: Int64) {
        for index in outages.indices where outages[index].end == nil { outages[index].end = time }
    }
}
