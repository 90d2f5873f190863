import TollgateCertificates
import TollgateCrypto
import TollgateLedger

extension NodeStore {
    // MARK: Descendants

    func insertDescendant(_ certificate: SignedCertificate, parentKeyID: String, at now: Int64) throws {
        let key = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(certificate.payload.subKey))
        try database.execute(
            """
            INSERT OR IGNORE INTO descendants (key_id, public_key, subject, parent_key_id, certificate_hash, certificate, sync_within, learned_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """,
            [.text(key.thumbprint), .text(certificate.payload.subKey), .text(certificate.payload.sub), .text(parentKeyID),
             .text(certificate.hash), .text(certificate.compact), .integer(certificate.payload.syncWithin), .integer(now)])
    }

    public func descendants() throws -> [Descendant] {
        try database.query("SELECT key_id, public_key, subject, parent_key_id, certificate FROM descendants ORDER BY learned_at, key_id")
            .map(descendant)
    }

    public func descendant(keyID: String) throws -> Descendant? {
        try database.query("SELECT key_id, public_key, subject, parent_key_id, certificate FROM descendants WHERE key_id = ?1",
                           [.text(keyID)]).first.map(descendant)
    }

    private func descendant(_ row: SQLiteRow) throws -> Descendant {
        Descendant(keyID: try row.text(0), publicKey: try Ed25519PublicKey(rawRepresentation: Base64URL.decode(row.text(1))),
                   subject: try row.text(2), parentKeyID: try row.text(3), certificate: try certificate(compact: row.text(4)))
    }

    // MARK: Mirrors of descendants' logs

    func mirrorLog(keyID: String) throws -> MerkleLog {
        try MerkleLog(database: database, name: "mirror:\(keyID)")
    }

    /// The checkpoint text and size this node accepted last for a descendant, and when it last pushed.
    func mirrorState(keyID: String) throws -> (checkpoint: String?, size: UInt64, lastPushAt: Int64?) {
        guard let row = try database.query("SELECT accepted_checkpoint, accepted_size, last_push_at FROM mirrors WHERE key_id = ?1",
                                           [.text(keyID)]).first else { return (nil, 0, nil) }
        return (try row.isNull(0) ? nil : try row.text(0), try row.uint64(1), try row.isNull(2) ? nil : try row.int64(2))
    }

    func updateMirror(keyID: String, checkpoint: String, size: UInt64, at now: Int64) throws {
        try database.execute(
            """
            INSERT INTO mirrors (key_id, accepted_checkpoint, accepted_size, last_push_at) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (key_id) DO UPDATE SET accepted_checkpoint = ?2, accepted_size = ?3, last_push_at = ?4
            """, [.text(keyID), .text(checkpoint), .integer(Int64(size)), .integer(now)])
    }

    /// Keeps a descendant's signed checkpoint at `size` (the first one kept at a size stays).
    func insertMirrorCheckpoint(keyID: String, size: UInt64, checkpoint: String) throws {
        try database.execute("INSERT OR IGNORE INTO mirror_checkpoints (key_id, size, checkpoint) VALUES (?1, ?2, ?3)",
                             [.text(keyID), .integer(Int64(size)), .text(checkpoint)])
    }

    /// The descendant's kept checkpoints with sizes in `range`, smallest first.
    func mirrorCheckpoints(keyID: String, in range: ClosedRange<UInt64>) throws -> [(size: UInt64, checkpoint: String)] {
        try database.query("""
            SELECT size, checkpoint FROM mirror_checkpoints WHERE key_id = ?1 AND size >= ?2 AND size <= ?3 ORDER BY size
            """, [.text(keyID), .integer(Int64(range.lowerBound)), .integer(Int64(min(range.upperBound, UInt64(Int64.max))))])
            .map { (size: try $0.uint64(0), checkpoint: try $0.text(1)) }
    }

    /// Forgets the descendant's kept checkpoints below `size`: no relay starts or ends there any more.
    func deleteMirrorCheckpoints(keyID: String, below size: UInt64) throws {
        try database.execute("DELETE FROM mirror_checkpoints WHERE key_id = ?1 AND size < ?2", [.text(keyID), .integer(Int64(size))])
    }

    func setLastWitness(keyID: String, at now: Int64) throws {
        try database.execute("UPDATE mirrors SET last_witness_at = ?2 WHERE key_id = ?1", [.text(keyID), .integer(now)])
    }

    func lastWitness(keyID: String) throws -> Int64? {
        guard let row = try database.query("SELECT last_witness_at FROM mirrors WHERE key_id = ?1", [.text(keyID)]).first,
              try !row.isNull(0) else { return nil }
        return try row.int64(0)
    }

    // MARK: Upstream acknowledgements

    func upstreamAcked(keyID: String) throws -> UInt64 {
        try database.query("SELECT acked_size FROM upstream WHERE key_id = ?1", [.text(keyID)]).first?.uint64(0) ?? 0
    }

    func setUpstreamAcked(keyID: String, size: UInt64) throws {
        try database.execute("INSERT INTO upstream (key_id, acked_size) VALUES (?1, ?2) ON CONFLICT (key_id) DO UPDATE SET acked_size = ?2",
                             [.text(keyID), .integer(Int64(size))])
    }

    // MARK: Sync state

    public func lastSyncSuccess() throws -> Int64? {
        guard let row = try database.query("SELECT last_success_at FROM sync_state WHERE id = 1").first, try !row.isNull(0) else { return nil }
        return try row.int64(0)
    }

    /// The last sync attempt with the parent and, when it failed, why; nil before the first.
    public func lastSyncAttempt() throws -> (at: Int64, error: String?)? {
        guard let row = try database.query("SELECT last_attempt_at, last_error FROM sync_state WHERE id = 1").first, try !row.isNull(0) else {
            return nil
        }
        return (try row.int64(0), try row.isNull(1) ? nil : try row.text(1))
    }

    func recordSyncSuccess(at now: Int64) throws {
        try database.execute(
            "INSERT INTO sync_state (id, last_success_at, last_attempt_at) VALUES (1, ?1, ?1) ON CONFLICT (id) DO UPDATE SET last_success_at = ?1, last_attempt_at = ?1, last_error = NULL",
            [.integer(now)])
    }

    /// The position in the parent's log this node's next pull starts from; 0 before any page.
    public func pullCursor() throws -> UInt64 {
        try database.query("SELECT pull_from FROM sync_state WHERE id = 1").first?.uint64(0) ?? 0
    }

    func setPullCursor(_ position: UInt64) throws {
        try database.execute("INSERT INTO sync_state (id, pull_from) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET pull_from = ?1",
                             [.integer(Int64(position))])
    }

    func recordSyncFailure(_ error: String, at now: Int64) throws {
        try database.execute(
            "INSERT INTO sync_state (id, last_attempt_at, last_error) VALUES (1, ?1, ?2) ON CONFLICT (id) DO UPDATE SET last_attempt_at = ?1, last_error = ?2",
            [.integer(now), .text(error)])
    }

    /// When this node last received a certificate from its parent (also contact with the parent).
    func lastCertificateReceived() throws -> Int64? {
        guard let row = try database.query("SELECT max(received_at) FROM held_certificates").first, try !row.isNull(0) else { return nil }
        return try row.int64(0)
    }

    /// Whether a signed request's nonce was recorded before (nothing is recorded).
    func isRequestNonceUsed(_ nonce: String) throws -> Bool {
        !(try database.query("SELECT 1 FROM request_nonces WHERE nonce = ?1", [.text(nonce)]).isEmpty)
    }

    /// Records a signed request's nonce; false when it was seen before.
    func recordRequestNonce(_ nonce: String, keyID: String, at now: Int64) throws -> Bool {
        try database.execute("INSERT OR IGNORE INTO request_nonces (nonce, key_id, seen_at) VALUES (?1, ?2, ?3)",
                             [.text(nonce), .text(keyID), .integer(now)])
        return database.changes == 1
    }

    /// Hashes and log positions of the returns received from the certificates `hashes`, logged at
    /// `position` or later, in log order, at most `limit` of them.
    func receivedReturns(fromCertificates hashes: Set<String>, from position: UInt64, limit: Int) throws -> [(hash: String, index: UInt64)] {
        var found: [(hash: String, index: UInt64)] = []
        let rows = try database.query("""
            SELECT hash, certificate_hash, log_index FROM quota_returns WHERE direction = 'received' AND log_index >= ?1 ORDER BY log_index
            """, [.integer(Int64(position))])
        for row in rows where found.count < limit {
            if hashes.contains(try row.text(1)) { found.append((try row.text(0), try row.uint64(2))) }
        }
        return found
    }

    /// Every delegation this node signed, with its log position, in log order.
    func loggedDelegations() throws -> [(certificate: SignedCertificate, index: UInt64)] {
        try database.query("SELECT compact, log_index FROM delegations ORDER BY log_index").map { (try certificate(compact: $0.text(0)), try $0.uint64(1)) }
    }

    /// Revocations this node logged at `position` or later (issued or received), in log order, at most `limit`.
    func loggedRevocations(from position: UInt64, limit: Int) throws -> [(compact: String, index: UInt64)] {
        try database.query(
            """
            SELECT compact, log_index FROM revocations WHERE log_index >= ?1
            UNION ALL SELECT compact, log_index FROM license_revocations WHERE log_index >= ?1
            ORDER BY log_index LIMIT ?2
            """, [.integer(Int64(position)), .integer(Int64(limit))]).map { (try $0.text(0), try $0.uint64(1)) }
    }
}
