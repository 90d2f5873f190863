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
    /// After the end of a lapsed license: the software finds it expired and the agent refuses a new seat.
    case lapsed
}
