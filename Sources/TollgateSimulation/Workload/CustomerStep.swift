/// What a customer does next.
enum CustomerStep {
    /// Buys a license from the regional agent.
    case buy(attempt: Int)
    /// Activates machine `machine` online.
    case activate(machine: Int, attempt: Int)
    /// Hands an offline request file, made at `madeAt` (Unix seconds), to the agent.
    case activateOffline(machine: Int, madeAt: Int64)
    /// Moves a seat to a new machine: deactivates with proof, then activates the new one.
    case rehost(attempt: Int)
    /// Takes a new machine abroad and tries to activate it there.
    case travel
    /// A machine failed: a stand-in machine asks for an emergency activation.
    case emergency
    /// A subscription or trial nears its end: renew it or let it lapse.
    case renewal(attempt: Int)
    /// A machine of a floating team asks for a seat (a borrow, for the team's borrowing machine).
    case lease(machine: Int, attempt: Int)
    /// A machine of a floating team extends its lease (or, with no heartbeats left, releases it).
    case heartbeat(machine: Int)
    /// A machine of a floating team gives its seat back.
    case release(machine: Int)
    /// A machine on a metered license records use and uploads its chain to the agent.
    case meter(machine: Int)
    /// After the end of a lapsed license: the software finds it expired and the agent refuses a new seat.
    case lapsed
}
