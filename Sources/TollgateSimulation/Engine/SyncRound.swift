import TollgateAPI
import TollgateNode
import TollgateWire

/// A child's sync round in flight: pull, then push. Requests and answers are separate messages, so
/// the round waits for each answer until a timeout.
struct SyncRound {
    enum Phase: String {
        case pull, push
    }

    let exchange: UInt64
    var phase: Phase
    /// The push as sent, needed to record the parent's answer.
    var push: PushRequest?
    let startedAt: Int64
    /// Whether a cheating agent's forked log is syncing in this round.
    let byImpostor: Bool
}
