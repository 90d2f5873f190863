import TollgateCertificates

/// What the web console draws beside the reports: sales and activations per day over a window, and
/// the limits of every certificate the subtree's nodes received. Read from the same view as
/// ``ChannelReport`` (this node's log and the descendant logs it holds), so it is as of the same
/// checkpoints (``ChannelReport/asOf``).
public struct ChannelActivity: Codable, Hashable, Sendable {
    /// One UTC day: licenses sold (originals, not renewals), renewals and activations dated that day.
    public struct Day: Codable, Hashable, Sendable {
        /// `2027-01-05`.
        public var day: String
        /// Unix seconds of the day's start.
        public var start: Int64
        public var sales: Int
        public var renewals: Int
        public var activations: Int
    }

    /// One certificate a node received and logged: the limits it sells under.
    public struct CertificateLimits: Codable, Hashable, Sendable {
        public var node: String
        public var name: String
        public var hash: String
        public var seats: SerialRange
        public var countries: [String]
        /// Product id → features.
        public var products: [String: [String]]
        public var models: [String]
        /// Currency → minimum price per seat, minor units.
        public var priceFloor: [String: Int64]
        public var depth: Int
        public var nbf: Int64
        public var exp: Int64
        public var syncWithin: Int64
    }

    public var generatedAt: Int64
    /// Oldest first, one entry per day of the window, empty days included (a chart needs them).
    public var days: [Day] = []
    /// In channel-tree order, then by the certificate's start.
    public var certificates: [CertificateLimits] = []

    public init(generatedAt: Int64) {
        self.generatedAt = generatedAt
    }
}
