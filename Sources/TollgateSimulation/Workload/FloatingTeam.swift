/// A customer's team sharing a floating license of N serials: more machines than serials, each
/// leasing a seat from the agent (the lease server), sending heartbeats and giving the seat back;
/// one machine crashes holding its lease (the seat comes back when the lease ends) and one borrows
/// a seat to go offline. What the agent answered is kept in ``book``, the floating-seat invariant's
/// evidence.
struct FloatingTeam {
    var machines: [CustomerMachine]
    /// Per machine: the lease it holds now (its hash), if any.
    var held: [String?]
    /// Per machine: heartbeats it still sends before it releases its seat.
    var heartbeatsLeft: [Int]
    /// The machine that crashes after its first lease, never to heartbeat or release.
    let crashing: Int
    /// The machine that borrows a seat instead of leasing one.
    let borrowing: Int
    var book: LeaseBook

    init(machines: [CustomerMachine], heartbeats: [Int], crashing: Int, borrowing: Int, book: LeaseBook) {
        self.machines = machines
        self.held = Array(repeating: nil, count: machines.count)
        self.heartbeatsLeft = heartbeats
        self.crashing = crashing
        self.borrowing = borrowing
        self.book = book
    }
}
