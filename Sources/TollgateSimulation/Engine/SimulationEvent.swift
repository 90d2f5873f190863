import TollgateAPI
import TollgateCertificates
import TollgateNode

/// Everything that can happen at a moment of simulated time.
enum SimulationEvent {
    /// A message arrives at `to`.
    case deliver(from: Int, to: Int, bytes: [UInt8])
    /// A node starts a sync round with its parent.
    case syncStart(node: Int, incarnation: Int)
    /// The answer to a round's request has not come.
    case syncTimeout(node: Int, incarnation: Int, exchange: UInt64, phase: SyncRound.Phase)
    /// The parent's operator tops up `child`'s quota.
    case topUp(child: Int)
    /// Some agent hands quota back.
    case quotaReturn
    /// A general agent's operator revokes one of its children's certificates.
    case revocation
    case crash(node: Int, downFor: Int64)
    case restart(node: Int, incarnation: Int)
    case cut(child: Int, direction: Scenario.Direction, on: Bool)
    case clockJump(node: Int, seconds: Int64, absolute: Bool)
    /// A planted cheat is carried out (index into the resolved plants).
    case cheat(Int)
    /// A customer shows the vendor a license (or a usage receipt with its license), which the vendor
    /// records at the root.
    case observe(Observation, attempt: Int)
    case audit
    /// Samples every node's sync lag for the timeline.
    case sample
    case workloadEnd
    case settleCheck
}
