import TollgateWire

/// How large a child's next pushes may be, carried by a driver from one ``SyncRound`` to the next.
///
/// A parent that takes longer to verify and store one push than the child waits for its answer
/// would otherwise get the same push again every round, and never answer one in time: the backlog
/// never drains. So a push that goes unanswered halves the ceiling for the next round (down to
/// ``PushBudget/smallest``), and each round that finishes doubles it back towards
/// ``PushBudget/standard``. Within a round the budget is this ceiling narrowed to what the parent
/// advertises. The pace lives as long as the driver (a restart starts from the standard budget).
public struct PushPace: Hashable, Sendable {
    /// The most one push of the next round may carry.
    public private(set) var ceiling: PushBudget

    public init(ceiling: PushBudget = .standard) {
        self.ceiling = ceiling
    }

    /// After a round that ended in `phase` with `failure` (nil: it finished): halved when a push
    /// went unanswered, grown back when the round finished, kept otherwise.
    public mutating func roundEnded(in phase: SyncRound.Phase, failure: SyncError?) {
        guard let failure else {
            ceiling = PushBudget(bytes: min(PushBudget.standard.bytes, ceiling.bytes * 2),
                                 entries: min(PushBudget.standard.entries, ceiling.entries * 2))
            return
        }
        guard phase == .push, failure.code == .unreachable else { return }
        ceiling = PushBudget(bytes: max(PushBudget.smallest.bytes, ceiling.bytes / 2),
                             entries: max(PushBudget.smallest.entries, ceiling.entries / 2))
    }
}
