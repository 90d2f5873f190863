/// One entry of a ``MerkleLog``: a leaf of its tree.
public struct LogEntry: Hashable {
    /// The position in the log, from 0.
    public var index: UInt64
    /// What the entry records (e.g. `license.issued`); not part of the leaf hash.
    public var kind: String
    /// The leaf data: the signed object's bytes, verbatim.
    public var bytes: [UInt8]
    /// SHA-256(0x00 ‖ bytes).
    public var leafHash: [UInt8]
    /// When it was appended, in milliseconds since the Unix epoch by the node's clock; not part of the leaf hash.
    public var appendedAt: Int64

    public init(index: UInt64, kind: String, bytes: [UInt8], leafHash: [UInt8], appendedAt: Int64) {
        self.index = index
        self.kind = kind
        self.bytes = bytes
        self.leafHash = leafHash
        self.appendedAt = appendedAt
    }
}

extension LogEntry: Sendable {}
