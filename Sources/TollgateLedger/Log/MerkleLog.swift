/// An append-only RFC 6962 Merkle log stored in SQLite, one of possibly several named logs in a file
/// (a node's own, and the copies it keeps of its children's).
///
/// Besides the entries it stores the hash of every complete subtree above the leaves, so an append
/// writes its entry and on average one node (at most log₂ n), a root costs O(log n) reads and a
/// proof O(log² n), whatever the log's size. It keeps no state of its own: everything is read from
/// the database, except that the connection remembers the frontier its last append left (the
/// subtree roots the next append starts from) until anything is rolled back, so a rolled-back
/// transaction leaves nothing stale behind.
///
/// It writes through the database it was opened on. To change the log and other tables atomically,
/// do both inside one ``SQLiteDatabase/transaction(_:)``: the log's own transaction becomes a savepoint of it.
public struct MerkleLog {
    public let database: SQLiteDatabase
    /// The log's name within the file.
    public let name: String
    /// The row id of the log in `logs`, the `log_id` of its rows in `log_entries`.
    public let id: Int64

    /// Opens the log called `name`, creating it empty if the file has none of that name.
    ///
    /// Needs ``LedgerSchema/merkleLog`` applied.
    public init(database: SQLiteDatabase, name: String) throws {
        if !database.hasMerkleLogTables {
            let tables = try database.query("""
                SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('logs', 'log_entries', 'log_nodes')
                """)
            guard try tables.first?.int64(0) == 3 else {
                throw LedgerError(.schemaMissing, "the database has no Merkle log tables; apply LedgerSchema.steps first")
            }
            database.hasMerkleLogTables = true
        }
        let select = "SELECT id FROM logs WHERE name = ?1"
        if let row = try database.query(select, [.text(name)]).first {
            id = try row.int64(0)
        } else {
            id = try database.transaction {
                try database.execute("INSERT INTO logs (name) VALUES (?1)", [.text(name)])
                return try database.query(select, [.text(name)])[0].int64(0)
            }
        }
        self.database = database
        self.name = name
    }

    /// The number of entries.
    public var size: UInt64 {
        get throws {
            if let known = database.merkleSize(log: id) { return known }
            let rows = try database.query("""
                SELECT leaf_index FROM log_entries WHERE log_id = ?1 ORDER BY leaf_index DESC LIMIT 1
                """, [.integer(id)])
            let size = try rows.first.map { try $0.uint64(0) + 1 } ?? 0
            database.rememberMerkleSize(size, log: id)
            return size
        }
    }

    // MARK: Appending

    /// Appends one entry and returns its index. One transaction, so one fsync, unless called inside an open one.
    @discardableResult
    public func append(kind: String, bytes: [UInt8], at appendedAt: Int64) throws -> UInt64 {
        try append(contentsOf: [NewLogEntry(kind: kind, bytes: bytes, appendedAt: appendedAt)]).lowerBound
    }

    /// Appends entries in order, all or none, and returns their indices: a group commit.
    @discardableResult
    public func append(contentsOf newEntries: [NewLogEntry]) throws -> Range<UInt64> {
        try database.transaction {
            let start = try size
            var frontier = try database.merkleFrontier(log: id, size: start) ?? frontier(size: start)
            var index = start
            for entry in newEntries {
                var hash = MerkleHash.leaf(entry.bytes)
                try database.execute("""
                    INSERT INTO log_entries (log_id, leaf_index, kind, bytes, leaf_hash, appended_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                    """, [.integer(id), .integer(Int64(index)), .text(entry.kind), .blob(entry.bytes),
                          .blob(hash), .integer(entry.appendedAt)])
                // A right child completes its parent, whose left child is the frontier's last subtree.
                var level: Int64 = 0
                var nodeIndex = index
                while nodeIndex & 1 == 1 {
                    hash = MerkleHash.node(frontier.removeLast(), hash)
                    level += 1
                    nodeIndex >>= 1
                    try database.execute("""
                        INSERT INTO log_nodes (log_id, level, node_index, hash) VALUES (?1, ?2, ?3, ?4)
                        """, [.integer(id), .integer(level), .integer(Int64(nodeIndex)), .blob(hash)])
                }
                frontier.append(hash)
                index += 1
            }
            database.rememberMerkleFrontier(frontier, log: id, size: index)
            database.rememberMerkleSize(index, log: id)
            return start..<index
        }
    }

    /// The roots of the complete subtrees that make up the first `size` leaves, left to right.
    private func frontier(size: UInt64) throws -> [[UInt8]] {
        var hashes: [[UInt8]] = []
        for level in (0..<64).reversed() where size & (1 << UInt64(level)) != 0 {
            let start = (size >> UInt64(level + 1)) << UInt64(level + 1)
            hashes.append(try completeSubtreeHash(level: level, index: start >> UInt64(level)))
        }
        return hashes
    }

    // MARK: Reading

    /// The entry at `index`.
    public func entry(at index: UInt64) throws -> LogEntry {
        let currentSize = try size
        guard index < currentSize else {
            throw LedgerError(.outOfRange, "no entry \(index) in log '\(name)' (size \(currentSize))")
        }
        return try entries(in: index..<(index + 1))[0]
    }

    /// The entries in `range`, which must lie within the log. Each is checked against its stored leaf hash.
    public func entries(in range: Range<UInt64>) throws -> [LogEntry] {
        let currentSize = try size
        guard range.upperBound <= currentSize else {
            throw LedgerError(.outOfRange, "entries \(range) reach past the end of log '\(name)' (size \(currentSize))")
        }
        let rows = try database.query("""
            SELECT leaf_index, kind, bytes, leaf_hash, appended_at FROM log_entries
            WHERE log_id = ?1 AND leaf_index >= ?2 AND leaf_index < ?3 ORDER BY leaf_index
            """, [.integer(id), .integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))])
        guard rows.count == range.count else {
            throw LedgerError(.corruptLog, "log '\(name)' lacks some of the entries \(range)")
        }
        return try rows.map { row in
            let entry = LogEntry(index: try row.uint64(0), kind: try row.text(1), bytes: try row.blob(2),
                                 leafHash: try row.blob(3), appendedAt: try row.int64(4))
            guard MerkleHash.leaf(entry.bytes) == entry.leafHash else {
                throw LedgerError(.corruptLog, "entry \(entry.index) of log '\(name)' does not match its leaf hash")
            }
            return entry
        }
    }

    /// The byte counts of the kind and the bytes of each entry in `range` (at most the log's end),
    /// in order, without reading the entries themselves: what a sender needs to cut a segment to a
    /// byte budget before it reads only the entries it sends.
    public func entryLengths(in range: Range<UInt64>) throws -> [(kind: Int, bytes: Int)] {
        let rows = try database.query("""
            SELECT length(CAST(kind AS BLOB)), length(bytes) FROM log_entries
            WHERE log_id = ?1 AND leaf_index >= ?2 AND leaf_index < ?3 ORDER BY leaf_index
            """, [.integer(id), .integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))])
        return try rows.map { (kind: Int(try $0.int64(0)), bytes: Int(try $0.int64(1))) }
    }

    // MARK: Roots and proofs

    /// The root of the first `size` entries; of the whole log when `size` is nil.
    public func rootHash(atSize treeSize: UInt64? = nil) throws -> [UInt8] {
        let currentSize = try size
        let treeSize = treeSize ?? currentSize
        guard treeSize <= currentSize else {
            throw LedgerError(.outOfRange, "size \(treeSize) exceeds log '\(name)' (size \(currentSize))")
        }
        return try computeRootHash(size: treeSize)
    }

    /// The proof that entry `index` is in the tree of the first `size` entries (RFC 9162 §2.1.3.1).
    public func inclusionProof(index: UInt64, size treeSize: UInt64) throws -> [[UInt8]] {
        let currentSize = try size
        guard index < treeSize, treeSize <= currentSize else {
            throw LedgerError(.outOfRange, "no entry \(index) in a tree of size \(treeSize) of log '\(name)' (size \(currentSize))")
        }
        return try computeInclusionProof(index: index, size: treeSize)
    }

    /// The proof that the tree of the first `oldSize` entries is a prefix of that of the first `newSize` (RFC 9162 §2.1.4.1).
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws -> [[UInt8]] {
        let currentSize = try size
        guard oldSize <= newSize, newSize <= currentSize else {
            throw LedgerError(.outOfRange, "no consistency proof from size \(oldSize) to \(newSize) of log '\(name)' (size \(currentSize))")
        }
        return try computeConsistencyProof(from: oldSize, to: newSize)
    }
}

extension MerkleLog: MerkleNodeSource {
    func completeSubtreeHash(level: Int, index: UInt64) throws -> [UInt8] {
        let rows: [SQLiteRow]
        if level == 0 {
            rows = try database.query("SELECT leaf_hash FROM log_entries WHERE log_id = ?1 AND leaf_index = ?2",
                                      [.integer(id), .integer(Int64(index))])
        } else {
            rows = try database.query("SELECT hash FROM log_nodes WHERE log_id = ?1 AND level = ?2 AND node_index = ?3",
                                      [.integer(id), .integer(Int64(level)), .integer(Int64(index))])
        }
        guard let hash = try rows.first?.blob(0), hash.count == MerkleHash.byteCount else {
            throw LedgerError(.corruptLog, "log '\(name)' lacks the hash of the subtree at level \(level), index \(index)")
        }
        return hash
    }
}
