import TollgateCrypto

/// What every part of a ``Simulation`` shares: the scenario and options, the clock and its queue,
/// the run's random stream, the record and the invariant checker. Like the node's `NodeContext`,
/// one instance every part holds, so the parts share the run's time, randomness and checks
/// without reaching into each other.
final class RunContext {
    let scenario: Scenario
    let seed: UInt64
    let options: SimulationOptions
    let clock = EventClock()
    let record: RunRecord
    /// The run's random stream. Parts draw from it in event order only, so a seed replays the run.
    var random: SimulationRandom
    /// Checks of the invariants made by the event loop's side (each customer desk keeps its own until the end).
    var checker = InvariantChecker()

    init(scenario: Scenario, seed: UInt64, options: SimulationOptions) {
        self.scenario = scenario
        self.seed = seed
        self.options = options
        record = RunRecord(options: options)
        random = SimulationRandom(seed: seed)
    }

    /// Simulated time, milliseconds.
    var now: Int64 { clock.now }
    /// Unix time (seconds) of simulated time zero in this run.
    var epoch: Int64 { options.epoch }
    /// Unix seconds of true time (the customers' clocks).
    var trueSeconds: Int64 { epoch + now / 1_000 }

    func note(_ description: @autoclosure () -> String) {
        record.note(at: now, description())
    }

    /// An error no workload expects (a storage failure, a malformed message from an honest node).
    func unexpected(_ error: any Error, _ context: String, at node: SimulatedNode) {
        note("ERROR \(node.name): \(context): \(error)")
        checker.error("\(node.name) at \(TraceRecorder.stamp(now)): \(context): \(error)")
    }

    /// A node's refusal, judged for the run (see ``ServiceRefusal/isUnexpected(_:at:_:checker:)``).
    func judge(_ refusal: ServiceRefusal, _ handled: NodeService.Handled, _ context: String, at node: SimulatedNode) {
        if refusal.isUnexpected(handled, at: node.name, context, checker: &checker) { unexpected(refusal, context, at: node) }
    }

    /// A request nonce from the run's stream.
    func nonce() -> String {
        Base64URL.encode(random.bytes(16))
    }

    /// A time inside `moment`, drawn from the run's stream.
    func time(in moment: Scenario.Moment) -> Int64 {
        random.integer(in: moment.earliest...moment.latest)
    }
}
