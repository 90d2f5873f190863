import TollgateCertificates
import TollgateLedger

/// This node's own Merkle log as others read it: signed checkpoints under the node's origin, its
/// entries, inclusion and consistency proofs; and the one place a finding is written into it.
struct NodeLog: NodePart {
    let context: NodeContext

    /// See ``LicensingNode/logOrigin``.
    var origin: String { "tollgate.dev/node/\(identity.keyID)" }

    private var checkpoints: CheckpointLog {
        get throws(NodeError) {
            try storage {
                try CheckpointLog(log: store.log, origin: origin, signer: NoteSigner(name: origin, privateKey: identity.key))
            }
        }
    }

    /// See ``LicensingNode/signCheckpoint(at:)``.
    func signCheckpoint(at now: Int64) throws(NodeError) -> SignedCheckpoint {
        let checkpoints = try checkpoints
        return try storage { try checkpoints.signCheckpoint(at: now) }
    }

    /// A checkpoint of the log's first `size` entries (see ``CheckpointLog/signCheckpoint(size:at:)``):
    /// where a segment of a backlog ends.
    func signCheckpoint(size: UInt64, at now: Int64) throws(NodeError) -> SignedCheckpoint {
        let checkpoints = try checkpoints
        return try storage { try checkpoints.signCheckpoint(size: size, at: now) }
    }

    /// See ``LicensingNode/latestCheckpoint()``.
    func latestCheckpoint() throws(NodeError) -> SignedCheckpoint? {
        let checkpoints = try checkpoints
        return try storage { try checkpoints.latest() }
    }

    func size() throws(NodeError) -> UInt64 {
        try storage { try store.log.size }
    }

    func entries(in range: Range<UInt64>) throws(NodeError) -> [LogEntry] {
        let size = try size()
        guard range.lowerBound <= range.upperBound, range.upperBound <= size else {
            throw NodeError(.invalidRequest, "entries \(range) are outside the log of \(size) entries")
        }
        return try storage { try store.log.entries(in: range) }
    }

    func inclusionProof(index: UInt64, size: UInt64) throws(NodeError) -> [[UInt8]] {
        let current = try self.size()
        guard index < size, size <= current else {
            throw NodeError(.invalidRequest, "no inclusion proof for entry \(index) in a tree of \(size) (the log has \(current))")
        }
        return try storage { try store.log.inclusionProof(index: index, size: size) }
    }

    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws(NodeError) -> [[UInt8]] {
        let current = try size()
        guard oldSize <= newSize, newSize <= current else {
            throw NodeError(.invalidRequest, "no consistency proof from \(oldSize) to \(newSize) (the log has \(current))")
        }
        return try storage { try store.log.consistencyProof(from: oldSize, to: newSize) }
    }

    /// A node below the root writes each new finding it makes into its own log, so the finding
    /// travels up with the log and the root's audit shows it (after re-checking its evidence).
    /// Runs inside the caller's transaction.
    func record(_ finding: AuditFinding, at now: Int64) throws {
        guard !identity.isRoot else { return }
        _ = try store.log.append(kind: LogEntryKind.findingRecorded.rawValue, bytes: try finding.logEntry(), at: now)
    }
}
