import TollgateCertificates

/// The customers' side of the run: a desk per agent with its customers (see ``CustomerDesk``), the
/// countries travellers go to, the workshop that makes their machines ahead of use, the verifier
/// their software embeds and the customers' verifier on its own thread.
final class CustomerSide {
    private let context: RunContext
    /// Each node's customers and their steps, by node index (the root's and the general agents' serve no customers).
    let desks: [CustomerDesk]
    /// Countries no agent sells in, and every agent's: where travellers go.
    let destinations: [String]
    /// The verifier every customer's software embeds (certificate cache shared for speed).
    let verifier: LicenseVerifier
    /// The customers' verifier, on a second thread, and what waits for it.
    private let customerVerifier: CustomerVerifier

    /// A desk per node, each with a stream of its own; customers arrive uniformly over the
    /// workload, each at a random regional agent's desk.
    init(context: RunContext, channel: Channel, verifier: LicenseVerifier, customerVerifier: CustomerVerifier, workshop: MachineWorkshop) {
        let scenario = context.scenario
        let destinations = Set(channel.root.countries + ["BR", "IN", "ZA"]).sorted()
        desks = channel.nodes.map {
            CustomerDesk(agent: $0, scenario: scenario, destinations: destinations, verifier: verifier, workshop: workshop,
                         customerVerifier: customerVerifier, random: context.random.fork(), traceCapacity: context.options.traceCapacity,
                         judgesCheatersHonest: context.options.hideCheatersFromChecker)
        }
        let regionals = channel.nodes.filter { $0.role == .regional }.map(\.index)
        for id in 0..<scenario.customers {
            let desk = desks[regionals[context.random.index(regionals.count)]]
            let countries = desk.agent.countries
            desk.customers.append(Customer(id: id, country: countries[context.random.index(countries.count)]))
            let arrival = context.random.integer(in: 0...max(0, scenario.duration - Scenario.hour))
            desk.schedule(desk.customers.count - 1, .buy(attempt: 0), at: arrival)
        }
        self.context = context
        self.destinations = destinations
        self.verifier = verifier
        self.customerVerifier = customerVerifier
    }

    /// How far behind a step the events it posts come at the earliest: a top-up request waits at
    /// least the scenario's shortest top-up delay, a license shown to the vendor at least half a day.
    var window: Int64 {
        max(1, min(context.scenario.topUpDelay.lowerBound, Scenario.day / 2))
    }

    /// The desk of `node`, brought to the run's time (the event that asks touches that agent, so
    /// the desk is between steps).
    func desk(of node: SimulatedNode) -> CustomerDesk {
        let desk = desks[node.index]
        desk.now = context.now
        desk.open = context.clock.isWorkload
        return desk
    }

    /// The workload ends: customers stop acting.
    func close() {
        for desk in desks { desk.open = false }
    }

    /// At the end: every desk's waiting verifier jobs go out and its checks join `checker`; then
    /// what the customers' verifier found.
    func finish(into checker: inout InvariantChecker) {
        for desk in desks {
            desk.submitVerifications()
            checker.merge(desk.checker)
        }
        let (checked, rejections) = customerVerifier.drain()
        checker.passed(.verifierSound, count: checked - rejections.count)
        for rejection in rejections { checker.fail(.verifierSound, rejection) }
    }

    /// Every lease customers of floating licenses were handed, with the agent that signed it, in
    /// desk and customer order.
    var heldLeases: [(node: Int, lease: LeaseBook.Held)] {
        desks.flatMap { desk in desk.customers.compactMap(\.team).flatMap { $0.book.leases.map { (node: desk.index, lease: $0) } } }
    }

    /// Steps the desks ran.
    var stepCount: Int { desks.reduce(0) { $0 + $1.stepCount } }

    var traces: [TraceRecorder] { desks.map(\.trace) }
}
