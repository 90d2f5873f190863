import Synchronization

/// The clock a simulated node's `NodeAPI` reads: the node's own (skewed) reading of simulated time,
/// set before each request is handed over. The API asks for a `@Sendable` clock; the run only ever
/// reads and sets it on the thread that holds the node.
final class ServiceClock: Sendable {
    private let seconds = Atomic<Int64>(0)

    func set(_ value: Int64) {
        seconds.store(value, ordering: .relaxed)
    }

    func read() -> Int64 {
        seconds.load(ordering: .relaxed)
    }
}
