/// `clock.json`: the latest time the wallet has been checked at. A machine whose clock is set back
/// (to stretch a subscription or a grace period) checks at a time before it, which the wallet
/// refuses; the stored time itself only ever moves forward.
struct WalletClock: Codable, Hashable, Sendable {
    /// Unix seconds of the latest check or status.
    var latestSeen: Int64

    enum CodingKeys: String, CodingKey {
        case latestSeen = "latest_seen"
    }
}
