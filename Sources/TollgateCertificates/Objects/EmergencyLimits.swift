/// How far a certificate's holder may stand a spare machine in for a failed one: the longest
/// emergency (temporary) activation, and how many one license may have in any period. Without
/// limits an emergency could follow each expiry without end while the failed machine keeps its
/// seat, which is a free second seat.
public struct EmergencyLimits: Codable, Hashable, Sendable {
    /// What a certificate without an `emergency` object allows: 72 hours per emergency, at most
    /// two per license in any 30 days.
    public static let defaults = EmergencyLimits(maxSeconds: 72 * 3_600, maxCount: 2, periodSeconds: 30 * 86_400)

    /// Longest emergency activation, `exp - iat`, in seconds.
    public var maxSeconds: Int64
    /// Most emergency activations of one license whose `iat` fall within any `periodSeconds`.
    public var maxCount: Int
    public var periodSeconds: Int64

    public init(maxSeconds: Int64, maxCount: Int, periodSeconds: Int64) {
        self.maxSeconds = maxSeconds
        self.maxCount = maxCount
        self.periodSeconds = periodSeconds
    }

    /// Whether these limits allow nothing `parent` does not: no longer emergencies, and no more of
    /// them in a period at least as long.
    public func isWithin(_ parent: EmergencyLimits) -> Bool {
        maxSeconds <= parent.maxSeconds && maxCount <= parent.maxCount && periodSeconds >= parent.periodSeconds
    }

    enum CodingKeys: String, CodingKey {
        case maxSeconds = "max_seconds"
        case maxCount = "max_count"
        case periodSeconds = "period_seconds"
    }
}

extension EmergencyLimits: CustomStringConvertible {
    public var description: String { "\(maxSeconds) s each, \(maxCount) per \(periodSeconds) s" }
}
