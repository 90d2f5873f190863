/// An entry to append to a ``MerkleLog``; the log assigns its index and leaf hash.
public struct NewLogEntry: Hashable {
    public var kind: String
    public var bytes: [UInt8]
    /// Milliseconds since the Unix epoch by the node's clock.
    public var appendedAt: Int64

    public init(kind: String, bytes: [UInt8], appendedAt: Int64) {
        self.kind = kind
        self.bytes = bytes
        self.appendedAt = appendedAt
    }
}

extension NewLogEntry: Sendable {}
