import TollgateNode

/// What the run writes down for its report, besides the checks: the trace (every event line and
/// delivered message, hashed), the timeline picture's data and, when the options ask for one, the
/// transcript of every operator and machine call.
final class RunRecord {
    private(set) var trace: TraceRecorder
    private(set) var timeline = Timeline()
    /// Records the transcript when the options ask for one.
    let transcript: TranscriptRecorder?

    init(options: SimulationOptions) {
        transcript = options.recordsTranscript ? TranscriptRecorder() : nil
        trace = TraceRecorder(capacity: options.traceCapacity)
    }

    /// An event line at simulated time `time`.
    func note(at time: Int64, _ description: String) {
        trace.record(time, description)
    }

    /// A delivered message's bytes, into the trace hash.
    func absorb(_ bytes: [UInt8]) {
        trace.absorb(bytes)
    }

    // MARK: The timeline

    /// The channel's nodes, by index, as the timeline shows them.
    func lay(out nodes: [SimulatedNode], syncWithinSeconds: Int64) {
        timeline.nodes = nodes.map(\.name)
        timeline.roles = nodes.map(\.role.rawValue)
        timeline.lag = Array(repeating: [], count: nodes.count)
        timeline.syncWithinSeconds = syncWithinSeconds
    }

    func outage(_ kind: Timeline.OutageKind, of node: Int, begins: Bool, at time: Int64) {
        if begins {
            timeline.open(kind, node: node, at: time)
        } else {
            timeline.close(kind, node: node, at: time)
        }
    }

    /// Each node's sync lag now: seconds since it last heard from its parent, by its own clock.
    func sampleLag(of nodes: ArraySlice<SimulatedNode>, at time: Int64) {
        for node in nodes {
            guard let live = node.node, let contact = try? live.lastParentContact() else { continue }
            timeline.lag[node.index].append((time, node.clock(at: time) - contact))
        }
    }

    func planted(_ marker: Timeline.Marker) {
        timeline.plants.append(marker)
    }

    func found(_ marker: Timeline.Marker) {
        timeline.findings.append(marker)
    }

    /// The workload ends: every outage ends with it.
    func workloadEnds(at time: Int64) {
        timeline.closeAll(at: time)
        timeline.workloadEnd = time
    }

    func runEnds(at time: Int64) {
        timeline.closeAll(at: time)
        timeline.end = time
    }
}
