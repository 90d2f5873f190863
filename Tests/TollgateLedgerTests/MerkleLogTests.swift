import CSQLite
import Testing
import TollgateTestSupport
@testable import TollgateLedger

@Suite struct MerkleLogTests {
    static func openLog(_ path: String = ":memory:", name: String = "local") throws -> MerkleLog {
        let db = try SQLiteDatabase(path: path)
        try SchemaMigrations(LedgerSchema.steps).apply(to: db)
        return try MerkleLog(database: db, name: name)
    }

    static func data(_ index: Int) -> [UInt8] { Array("entry-\(index)".utf8) }

    @Test func matchesTheReferenceVectors() throws {
        let log = try Self.openLog()
        #expect(try log.size == 0)
        #expect(try log.rootHash() == MerkleHash.emptyTree)
        for (index, leaf) in MerkleVectorTests.leaves.enumerated() {
            #expect(try log.append(kind: "test", bytes: leaf, at: 1_000 + Int64(index)) == UInt64(index))
        }
        for size in 0...8 {
            #expect(try log.rootHash(atSize: UInt64(size)) == hex(MerkleVectorTests.roots[size]))
        }
        for (index, size, proof) in MerkleVectorTests.inclusionProofs {
            #expect(try log.inclusionProof(index: index, size: size) == proof.map(hex))
        }
        for (oldSize, newSize, proof) in MerkleVectorTests.consistencyProofs {
            #expect(try log.consistencyProof(from: oldSize, to: newSize) == proof.map(hex))
        }
    }

    /// Values computed by an independent Python transcription of RFC 6962 §2.1 over "entry-0" … "entry-999":
    ///
    ///     H = lambda b: hashlib.sha256(b).digest()
    ///     def k(n): return 1 << ((n - 1).bit_length() - 1)
    ///     def mth(D): return H(b"") if not D else H(b"\0" + D[0]) if len(D) == 1 else H(b"\1" + mth(D[:k(len(D))]) + mth(D[k(len(D)):]))
    ///     def path(m, D):
    ///         if len(D) <= 1: return []
    ///         s = k(len(D)); return path(m, D[:s]) + [mth(D[s:])] if m < s else path(m - s, D[s:]) + [mth(D[:s])]
    ///     def sub(m, D, b):
    ///         if m == len(D): return [] if b else [mth(D)]
    ///         s = k(len(D)); return sub(m, D[:s], b) + [mth(D[s:])] if m <= s else sub(m - s, D[s:], False) + [mth(D[:s])]
    ///     D = [b"entry-%d" % i for i in range(1000)]
    ///     mth(D), mth(D[:999]), H(b"".join(path(777, D))), H(b"".join(sub(333, D, True)))
    @Test func matchesAnIndependentImplementationOnAThousandEntries() throws {
        let log = try Self.openLog()
        try log.append(contentsOf: (0..<999).map { NewLogEntry(kind: "test", bytes: Self.data($0), appendedAt: 0) })
        try log.append(kind: "test", bytes: Self.data(999), at: 0)
        #expect(try log.size == 1000)
        #expect(try log.rootHash() == hex("d03d63b772af99019817ee3e018286d36a26161bdb5bfe8228e92c02abe9115d"))
        #expect(try log.rootHash(atSize: 999) == hex("1f934d6fba8eae8bb8e3da2b74444479e8a633b5964ab83facb74d85cc2a974e"))
        let inclusion = try log.inclusionProof(index: 777, size: 1000)
        #expect(inclusion.count == 10)
        #expect(ReferenceMerkle.hash(inclusion.flatMap { $0 }) == (try hex("8842bebb7154f3ec2ecbb193e51b37243c87f0cc43796e37c665824dc2cc220f")))
        let consistency = try log.consistencyProof(from: 333, to: 1000)
        #expect(consistency.count == 11)
        #expect(ReferenceMerkle.hash(consistency.flatMap { $0 }) == (try hex("4c795ddac01290f26bee789cb468fc9a9c95b6d388a8af46d2b91805ac1e04cd")))
    }

    @Test func agreesWithTheInMemoryTreeAfterRandomBatches() throws {
        var generator = SeededGenerator(seed: 42)
        let log = try Self.openLog()
        var tree = MerkleTree()
        var appended: [[UInt8]] = []
        while appended.count < 300 {
            let batch = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                generator.bytes(Int.random(in: 0...64, using: &generator))
            }
            let range = try log.append(contentsOf: batch.map { NewLogEntry(kind: "batch", bytes: $0, appendedAt: 7) })
            #expect(range == UInt64(appended.count)..<UInt64(appended.count + batch.count))
            for bytes in batch { tree.append(data: bytes) }
            appended += batch
            #expect(try log.size == tree.size)
            #expect(try log.rootHash() == tree.rootHash())
        }
        let size = tree.size
        for _ in 0..<60 {
            let treeSize = UInt64.random(in: 1...size, using: &generator)
            let index = UInt64.random(in: 0..<treeSize, using: &generator)
            let oldSize = UInt64.random(in: 0...treeSize, using: &generator)
            #expect(try log.rootHash(atSize: treeSize) == tree.rootHash(atSize: treeSize))
            let inclusion = try log.inclusionProof(index: index, size: treeSize)
            #expect(inclusion == (try tree.inclusionProof(index: index, size: treeSize)))
            try MerkleProof.verifyInclusion(leafHash: MerkleHash.leaf(appended[Int(index)]), index: index, size: treeSize,
                                            proof: inclusion, rootHash: log.rootHash(atSize: treeSize))
            let consistency = try log.consistencyProof(from: oldSize, to: treeSize)
            #expect(consistency == (try tree.consistencyProof(from: oldSize, to: treeSize)))
            try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: treeSize, oldRoot: log.rootHash(atSize: oldSize),
                                              newRoot: log.rootHash(atSize: treeSize), proof: consistency)
        }
    }

    @Test func readsEntriesBack() throws {
        let log = try Self.openLog()
        try log.append(contentsOf: (0..<10).map { NewLogEntry(kind: "kind-\($0 % 3)", bytes: Self.data($0), appendedAt: Int64($0) * 10) })
        let entry = try log.entry(at: 4)
        #expect(entry == LogEntry(index: 4, kind: "kind-1", bytes: Self.data(4), leafHash: MerkleHash.leaf(Self.data(4)), appendedAt: 40))
        #expect(try log.entries(in: 7..<10).map(\.index) == [7, 8, 9])
        #expect(try log.entries(in: 3..<3).isEmpty)
        let empty = try log.append(contentsOf: [])
        #expect(empty == 10..<10)
        try log.append(kind: "empty", bytes: [], at: 0)
        #expect(try log.entry(at: 10).bytes == [])
        for failing in [{ try log.entry(at: 11) }, { try log.entry(at: .max) }] {
            let error = #expect(throws: LedgerError.self) { try failing() }
            #expect(error?.code == .outOfRange)
        }
        #expect(throws: LedgerError.self) { try log.entries(in: 5..<12) }
        #expect(throws: LedgerError.self) { try log.rootHash(atSize: 12) }
        #expect(throws: LedgerError.self) { try log.inclusionProof(index: 11, size: 11) }
        #expect(throws: LedgerError.self) { try log.consistencyProof(from: 5, to: 12) }
        #expect(throws: LedgerError.self) { try log.consistencyProof(from: 6, to: 5) }
    }

    @Test func survivesReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("node.sqlite")
        let root: [UInt8]
        do {
            let log = try Self.openLog(path)
            try log.append(contentsOf: (0..<77).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 1) })
            root = try log.rootHash()
        }
        let log = try Self.openLog(path)
        #expect(try log.size == 77)
        #expect(try log.rootHash() == root)
        try log.append(kind: "k", bytes: Self.data(77), at: 2)
        var tree = MerkleTree()
        for index in 0...77 { tree.append(data: Self.data(index)) }
        #expect(try log.rootHash() == tree.rootHash())
    }

    @Test func aThrowingTransactionStoresNothing() throws {
        let log = try Self.openLog()
        try log.append(kind: "k", bytes: Self.data(0), at: 0)
        let root = try log.rootHash()
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try log.database.transaction {
                try log.append(contentsOf: (1..<20).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
                #expect(try log.size == 20)
                throw Abort()
            }
        }
        #expect(try log.size == 1)
        #expect(try log.rootHash() == root)
        #expect(try log.database.query("SELECT count(*) FROM log_nodes").first?.int64(0) == 0)
        // The log carries on from where the committed state left it.
        try log.append(kind: "k", bytes: Self.data(1), at: 0)
        #expect(try log.rootHash() == MerkleTree(leafHashes: [MerkleHash.leaf(Self.data(0)), MerkleHash.leaf(Self.data(1))]).rootHash())
    }

    /// The frontier an append leaves is remembered for the next one, but never past a rollback.
    @Test func aRolledBackAppendLeavesNoFrontierBehind() throws {
        let log = try Self.openLog()
        func reference(_ indices: [Int]) throws -> [UInt8] { try MerkleTree(leafHashes: indices.map { MerkleHash.leaf(Self.data($0)) }).rootHash() }
        struct Abort: Error {}
        try log.append(contentsOf: (0..<3).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        #expect(throws: Abort.self) {
            try log.database.transaction {
                try log.append(contentsOf: (3..<5).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
                throw Abort()
            }
        }
        try log.append(contentsOf: [10, 11].map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        #expect(try log.rootHash() == reference([0, 1, 2, 10, 11]))
        // A savepoint rolled back inside a transaction that commits.
        try log.database.transaction {
            try log.append(kind: "k", bytes: Self.data(5), at: 0)
            #expect(throws: Abort.self) {
                try log.database.transaction {
                    try log.append(kind: "k", bytes: Self.data(6), at: 0)
                    throw Abort()
                }
            }
            try log.append(kind: "k", bytes: Self.data(12), at: 0)
        }
        try log.append(kind: "k", bytes: Self.data(13), at: 0)
        #expect(try log.rootHash() == reference([0, 1, 2, 10, 11, 5, 12, 13]))
        let fresh = try MerkleLog(database: log.database, name: "local")
        #expect(try fresh.consistencyProof(from: 3, to: 8).count > 0)
    }

    /// Appends made through another connection to the same file are built on, not overwritten.
    @Test func buildsOnAnotherConnectionsAppends() throws {
        let directory = try TemporaryDirectory()
        let first = try Self.openLog(directory.path("log.sqlite"))
        let second = try MerkleLog(database: try SQLiteDatabase(path: directory.path("log.sqlite")), name: "local")
        try first.append(contentsOf: (0..<3).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        try second.append(contentsOf: (3..<6).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        try first.append(kind: "k", bytes: Self.data(6), at: 0)
        let expected = try MerkleTree(leafHashes: (0..<7).map { MerkleHash.leaf(Self.data($0)) }).rootHash()
        #expect(try first.rootHash() == expected)
        #expect(try second.rootHash() == expected)
    }

    /// Inside one transaction the log's size is read from the file once and then known (appends
    /// and reads of it cost no further query), but never past a rollback, and never across
    /// transactions, where another connection may have appended.
    @Test func readsItsSizeOncePerTransaction() throws {
        let directory = try TemporaryDirectory()
        let first = try Self.openLog(directory.path("log.sqlite"))
        let second = try MerkleLog(database: try SQLiteDatabase(path: directory.path("log.sqlite")), name: "local")
        var sizeQueries = 0
        first.database.faultInjector = { call in
            if call.kind == .bind, call.sql.contains("ORDER BY leaf_index DESC LIMIT 1") { sizeQueries += 1 }  // one parameter
            return nil
        }
        struct Abort: Error {}
        try first.database.transaction {
            #expect(try first.size == 0)
            try first.append(kind: "k", bytes: Self.data(0), at: 0)
            #expect(try first.size == 1)
            try first.append(contentsOf: (1..<3).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
            #expect(try first.size == 3)
            #expect(sizeQueries == 1)
            #expect(throws: Abort.self) {
                try first.database.transaction {
                    try first.append(kind: "k", bytes: Self.data(9), at: 0)
                    #expect(try first.size == 4)
                    throw Abort()
                }
            }
            #expect(try first.size == 3)  // read again after the rollback
            #expect(sizeQueries == 2)
        }
        try second.append(kind: "k", bytes: Self.data(3), at: 0)
        try first.database.transaction {
            #expect(try first.size == 4)  // another connection's append, seen in the next transaction
            try first.append(kind: "k", bytes: Self.data(4), at: 0)
        }
        #expect(sizeQueries == 3)
        #expect(try first.size == 5)
        #expect(try first.rootHash() == MerkleTree(leafHashes: (0..<5).map { MerkleHash.leaf(Self.data($0)) }).rootHash())
    }

    @Test func appendsTogetherWithTheNodesOwnTables() throws {
        let log = try Self.openLog()
        let db = log.database
        try db.execute("CREATE TABLE licenses (serial INTEGER PRIMARY KEY, log_index INTEGER NOT NULL)")
        try db.transaction {
            let index = try log.append(kind: "license.issued", bytes: Self.data(0), at: 5)
            try db.execute("INSERT INTO licenses (serial, log_index) VALUES (?1, ?2)", [100, .integer(Int64(index))])
        }
        // The second license reuses a serial: the row fails, and the log entry goes with it.
        let failure = #expect(throws: SQLiteError.self) {
            try db.transaction {
                let index = try log.append(kind: "license.issued", bytes: Self.data(1), at: 6)
                try db.execute("INSERT INTO licenses (serial, log_index) VALUES (?1, ?2)", [100, .integer(Int64(index))])
            }
        }
        #expect(failure?.code == .constraint)
        #expect(try log.size == 1)
        #expect(try db.query("SELECT count(*) FROM licenses").first?.int64(0) == 1)
    }

    @Test func aFaultMidAppendLeavesTheLogIntact() throws {
        let log = try Self.openLog()
        try log.append(contentsOf: (0..<5).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        let root = try log.rootHash()
        var nodeInserts = 0
        log.database.faultInjector = { call in
            guard call.kind == .step, call.sql.contains("INSERT INTO log_nodes") else { return nil }
            nodeInserts += 1
            return nodeInserts == 2 ? ExtendedCode.ioErrorWrite : nil
        }
        let failure = #expect(throws: SQLiteError.self) {
            try log.append(contentsOf: (5..<9).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        }
        #expect(failure?.code == .ioError)
        log.database.faultInjector = nil
        #expect(try log.size == 5)
        #expect(try log.rootHash() == root)
        try log.append(contentsOf: (5..<9).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        #expect(try log.rootHash() == MerkleTree(leafHashes: (0..<9).map { MerkleHash.leaf(Self.data($0)) }).rootHash())
    }

    @Test func refusesRewritingHistory() throws {
        let log = try Self.openLog()
        try log.append(contentsOf: (0..<4).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        let statements = [
            "UPDATE log_entries SET bytes = x'00' WHERE leaf_index = 1",
            "DELETE FROM log_entries WHERE leaf_index = 3",
            "UPDATE log_nodes SET hash = zeroblob(32)",
            "DELETE FROM log_nodes",
            "INSERT INTO log_entries (log_id, leaf_index, kind, bytes, leaf_hash, appended_at) VALUES (1, 2, 'k', x'', zeroblob(32), 0)",
        ]
        for sql in statements {
            let failure = #expect(throws: SQLiteError.self, "\(sql)") { try log.database.execute(sql) }
            #expect(failure?.code == .constraint, "\(sql)")
        }
        #expect(try log.entries(in: 0..<4).map(\.bytes) == (0..<4).map(Self.data))
    }

    @Test func detectsEntriesAlteredBehindItsBack() throws {
        let log = try Self.openLog()
        try log.append(contentsOf: (0..<4).map { NewLogEntry(kind: "k", bytes: Self.data($0), appendedAt: 0) })
        try log.database.executeScript("""
            DROP TRIGGER log_entries_no_update;
            UPDATE log_entries SET bytes = x'00' WHERE leaf_index = 2;
            """)
        let failure = #expect(throws: LedgerError.self) { try log.entry(at: 2) }
        #expect(failure?.code == .corruptLog)
        #expect(try log.entry(at: 1).bytes == Self.data(1))
    }

    @Test func keepsNamedLogsApart() throws {
        let local = try Self.openLog()
        let child = try MerkleLog(database: local.database, name: "child/abc")
        try local.append(kind: "k", bytes: Self.data(0), at: 0)
        try child.append(contentsOf: (0..<3).map { NewLogEntry(kind: "k", bytes: Self.data(10 + $0), appendedAt: 0) })
        #expect(try local.size == 1)
        #expect(try child.size == 3)
        #expect(try child.entry(at: 0).bytes == Self.data(10))
        let again = try MerkleLog(database: local.database, name: "child/abc")
        #expect(try again.rootHash() == child.rootHash())
    }

    @Test func needsItsSchema() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        let failure = #expect(throws: LedgerError.self) { try MerkleLog(database: db, name: "local") }
        #expect(failure?.code == .schemaMissing)
    }
}
