import Dispatch

extension DispatchTime {
    /// The moment `duration` from now, for Dispatch's waits (negative durations are now).
    static func after(_ duration: Duration) -> DispatchTime {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        return .now() + .nanoseconds(Int(clamping: nanoseconds))
    }
}
