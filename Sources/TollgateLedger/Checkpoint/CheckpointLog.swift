/// Every checkpoint a node signed for one of its logs, kept so that it never signs two that contradict
/// each other (C2SP tlog-checkpoint: "a log MUST not sign any checkpoint which is inconsistent with any
/// checkpoint it previously signed").
///
/// Needs ``LedgerSchema/checkpoints`` applied. Sizes only grow, so the consistency of each new
/// checkpoint with the last one signed implies it with all earlier ones.
public struct CheckpointLog {
    public let log: MerkleLog
    public let origin: String
    public let signer: NoteSigner

    public init(log: MerkleLog, origin: String, signer: NoteSigner) throws {
        let tables = try log.database.query("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'log_checkpoints'")
        guard try tables.first?.int64(0) == 1 else {
            throw LedgerError(.schemaMissing, "the database has no checkpoint table; apply LedgerSchema.steps first")
        }
        self.log = log
        self.origin = origin
        self.signer = signer
    }

    /// Signs and stores a checkpoint of the log as it is now, or returns the stored one if the log has
    /// not grown since.
    ///
    /// Refuses (`.inconsistentCheckpoint`) when the log no longer extends the last checkpoint signed:
    /// smaller, a different root at that size, or another origin. Runs in one transaction, so inside a
    /// caller's transaction it commits or rolls back with it.
    public func signCheckpoint(at signedAt: Int64) throws -> SignedCheckpoint {
        try log.database.transaction {
            let size = try log.size
            if let last = try latest() {
                let previous = last.checkpoint
                guard previous.origin == origin else {
                    throw LedgerError(.inconsistentCheckpoint, "the last checkpoint was signed for origin '\(previous.origin)', not '\(origin)'")
                }
                guard size >= previous.size else {
                    throw LedgerError(.inconsistentCheckpoint, "the log has \(size) entries, fewer than the \(previous.size) of the last checkpoint")
                }
                guard try log.rootHash(atSize: previous.size) == previous.rootHash else {
                    throw LedgerError(.inconsistentCheckpoint, "the log's root at size \(previous.size) differs from the last checkpoint's")
                }
                if size == previous.size { return last }
            }
            let checkpoint = try Checkpoint(origin: origin, size: size, rootHash: log.rootHash(atSize: size))
            let signed = try SignedCheckpoint.sign(checkpoint, with: signer)
            try log.database.execute("""
                INSERT INTO log_checkpoints (log_id, tree_size, root_hash, note, signed_at) VALUES (?1, ?2, ?3, ?4, ?5)
                """, [.integer(log.id), .integer(Int64(size)), .blob(checkpoint.rootHash), .text(signed.text), .integer(signedAt)])
            return signed
        }
    }

    /// A checkpoint of the log's first `size` entries: the one stored at that size, or a new one
    /// signed and stored. A log's owner may sign any size it holds (each such checkpoint is a prefix
    /// of every later one, so none contradicts another); a child cuts its backlog into segments this way.
    ///
    /// Refuses (`.outOfRange`) a size beyond the log, and (`.inconsistentCheckpoint`) when the log no
    /// longer extends the last checkpoint signed, as ``signCheckpoint(at:)`` does.
    public func signCheckpoint(size: UInt64, at signedAt: Int64) throws -> SignedCheckpoint {
        try log.database.transaction {
            if let stored = try checkpoint(size: size) { return stored }
            let logSize = try log.size
            guard size <= logSize else {
                throw LedgerError(.outOfRange, "no checkpoint at size \(size): the log has \(logSize) entries")
            }
            if let last = try latest() {
                let previous = last.checkpoint
                guard previous.origin == origin, previous.size <= logSize, try log.rootHash(atSize: previous.size) == previous.rootHash else {
                    throw LedgerError(.inconsistentCheckpoint, "the log no longer extends the last checkpoint signed (size \(previous.size))")
                }
            }
            let checkpoint = try Checkpoint(origin: origin, size: size, rootHash: log.rootHash(atSize: size))
            let signed = try SignedCheckpoint.sign(checkpoint, with: signer)
            try log.database.execute("""
                INSERT INTO log_checkpoints (log_id, tree_size, root_hash, note, signed_at) VALUES (?1, ?2, ?3, ?4, ?5)
                """, [.integer(log.id), .integer(Int64(size)), .blob(checkpoint.rootHash), .text(signed.text), .integer(signedAt)])
            return signed
        }
    }

    /// The checkpoint signed last, if any.
    public func latest() throws -> SignedCheckpoint? {
        let rows = try log.database.query("""
            SELECT note FROM log_checkpoints WHERE log_id = ?1 ORDER BY tree_size DESC LIMIT 1
            """, [.integer(log.id)])
        return try rows.first.map { try SignedCheckpoint(unverified: $0.text(0)) }
    }

    /// The checkpoint signed at `size`, if one was.
    public func checkpoint(size: UInt64) throws -> SignedCheckpoint? {
        guard let storedSize = Int64(exactly: size) else { return nil }
        let rows = try log.database.query("SELECT note FROM log_checkpoints WHERE log_id = ?1 AND tree_size = ?2",
                                          [.integer(log.id), .integer(storedSize)])
        return try rows.first.map { try SignedCheckpoint(unverified: $0.text(0)) }
    }

    /// Every checkpoint signed, oldest first.
    public func all() throws -> [SignedCheckpoint] {
        try log.database.query("SELECT note FROM log_checkpoints WHERE log_id = ?1 ORDER BY tree_size", [.integer(log.id)])
            .map { try SignedCheckpoint(unverified: $0.text(0)) }
    }
}
