import TollgateAPI

/// A child's sync round on its way: the protocol's own round (``SyncRound`` of TollgateAPI, which
/// makes each request and takes each answer) and what the simulator drives it with. Requests and
/// answers are separate messages on the simulated network, so the round waits for each answer
/// until a timeout; `exchange` pairs the answer with the request waiting for it (each request of
/// the round has a number of its own, so a late copy of the pull's answer is not taken for the push's).
struct RoundInFlight {
    var round: SyncRound
    var exchange: UInt64
    let startedAt: Int64
    /// Whether a cheating agent's forked log is syncing in this round.
    let byImpostor: Bool

    var phase: SyncRound.Phase { round.phase }
}
