import TollgateCertificates
import TollgateLedger

extension LicensingNode {
    /// The C2SP origin line of this node's log; also the name its checkpoints are signed under.
    public var logOrigin: String { "tollgate.dev/node/\(identity.keyID)" }

    var checkpoints: CheckpointLog {
        get throws(NodeError) {
            try storage {
                try CheckpointLog(log: store.log, origin: logOrigin, signer: NoteSigner(name: logOrigin, privateKey: identity.key))
            }
        }
    }

    /// A signed checkpoint of the log as it is now (the stored one if the log has not grown).
    public func signCheckpoint(at now: Int64) throws(NodeError) -> SignedCheckpoint {
        let checkpoints = try checkpoints
        return try storage { try checkpoints.signCheckpoint(at: now) }
    }

    /// The checkpoint signed and recorded last, if any: what the node can still publish while its
    /// store cannot record a new one (a full disk, a read-only directory), since the log extends it.
    public func latestCheckpoint() throws(NodeError) -> SignedCheckpoint? {
        let checkpoints = try checkpoints
        return try storage { try checkpoints.latest() }
    }

    public func logSize() throws(NodeError) -> UInt64 {
        try storage { try store.log.size }
    }

    public func logEntries(in range: Range<UInt64>) throws(NodeError) -> [LogEntry] {
        let size = try logSize()
        guard range.lowerBound <= range.upperBound, range.upperBound <= size else {
            throw NodeError(.invalidRequest, "entries \(range) are outside the log of \(size) entries")
        }
        return try storage { try store.log.entries(in: range) }
    }

    public func inclusionProof(index: UInt64, size: UInt64) throws(NodeError) -> [[UInt8]] {
        let current = try logSize()
        guard index < size, size <= current else {
            throw NodeError(.invalidRequest, "no inclusion proof for entry \(index) in a tree of \(size) (the log has \(current))")
        }
        return try storage { try store.log.inclusionProof(index: index, size: size) }
    }

    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws(NodeError) -> [[UInt8]] {
        let current = try logSize()
        guard oldSize <= newSize, newSize <= current else {
            throw NodeError(.invalidRequest, "no consistency proof from \(oldSize) to \(newSize) (the log has \(current))")
        }
        return try storage { try store.log.consistencyProof(from: oldSize, to: newSize) }
    }
}
