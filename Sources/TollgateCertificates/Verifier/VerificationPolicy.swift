/// The limits a verifier applies. Defaults follow the design: chains of at most 8 certificates,
/// objects of at most 64 KiB, 5 minutes of clock skew.
public struct VerificationPolicy: Hashable {
    public var maxChainLength: Int
    public var maxObjectBytes: Int
    /// Seconds of tolerance when comparing validity times with the verifier's clock.
    public var clockSkew: Int64

    public init(maxChainLength: Int = 8, maxObjectBytes: Int = JWS.defaultMaxBytes, clockSkew: Int64 = 300) {
        self.maxChainLength = maxChainLength
        self.maxObjectBytes = maxObjectBytes
        self.clockSkew = clockSkew
    }
}

extension VerificationPolicy: Sendable {}
