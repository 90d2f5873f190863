/// An event a customer desk posts for the run's queue, with its place among events of the same
/// time (the desk and its count of posts), so its order does not depend on when it was handed over.
struct PostedEvent {
    let time: Int64
    let place: UInt64
    let event: SimulationEvent

    init(time: Int64, desk: Int, count: UInt64, event: SimulationEvent) {
        self.time = time
        self.place = 1 << 63 | UInt64(desk) << 40 | count
        self.event = event
    }
}
