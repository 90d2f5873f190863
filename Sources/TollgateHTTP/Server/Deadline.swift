/// A point on the monotonic clock by which an I/O step must finish.
struct Deadline: Comparable {
    let instant: ContinuousClock.Instant

    static var now: Deadline { Deadline(instant: .now) }

    static func after(_ duration: Duration) -> Deadline { Deadline(instant: .now + duration) }

    func adding(_ duration: Duration) -> Deadline { Deadline(instant: instant + duration) }

    /// Milliseconds left, rounded up so a poll never wakes just before the deadline; 0 once it passed.
    var remainingMilliseconds: CInt {
        let remaining = instant - .now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return CInt(clamping: milliseconds)
    }

    var hasPassed: Bool { instant <= .now }

    static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.instant < rhs.instant }
}
