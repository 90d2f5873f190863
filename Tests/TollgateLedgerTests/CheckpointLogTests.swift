import Testing
import TollgateCrypto
import TollgateTestSupport
@testable import TollgateLedger

@Suite struct CheckpointLogTests {
    static let origin = "tollgate.example/node-a"

    static func signer() throws -> NoteSigner {
        try NoteSigner(name: origin, privateKey: Ed25519PrivateKey(seed: [UInt8](repeating: 9, count: 32)))
    }

    static func open(_ path: String = ":memory:") throws -> CheckpointLog {
        try CheckpointLog(log: MerkleLogTests.openLog(path), origin: origin, signer: signer())
    }

    static func append(_ log: MerkleLog, _ range: Range<Int>) throws {
        try log.append(contentsOf: range.map { NewLogEntry(kind: "k", bytes: MerkleLogTests.data($0), appendedAt: 0) })
    }

    @Test func signsTheLogAsItGrows() throws {
        let checkpoints = try Self.open()
        let log = checkpoints.log
        #expect(try checkpoints.latest() == nil)
        let empty = try checkpoints.signCheckpoint(at: 1)
        #expect(empty.checkpoint.size == 0)
        #expect(empty.checkpoint.rootHash == MerkleHash.emptyTree)
        try Self.append(log, 0..<3)
        let first = try checkpoints.signCheckpoint(at: 2)
        #expect(first.checkpoint.size == 3)
        #expect(try first.checkpoint.rootHash == log.rootHash())
        // Nothing new: the same checkpoint, not a second row.
        #expect(try checkpoints.signCheckpoint(at: 3) == first)
        try Self.append(log, 3..<8)
        let second = try checkpoints.signCheckpoint(at: 4)
        #expect(second.checkpoint.size == 8)
        #expect(try checkpoints.all() == [empty, first, second])
        #expect(try checkpoints.latest() == second)
        #expect(try checkpoints.checkpoint(size: 3) == first)
        #expect(try checkpoints.checkpoint(size: 4) == nil)
        #expect(try checkpoints.checkpoint(size: .max) == nil)

        // What a parent does with a push: verify the note, then the consistency proof between the two.
        let key = try Self.signer().verifierKey
        let old = try SignedCheckpoint(verifying: first.text, key: key).checkpoint
        let new = try SignedCheckpoint(verifying: second.text, key: key).checkpoint
        try MerkleProof.verifyConsistency(oldSize: old.size, newSize: new.size, oldRoot: old.rootHash, newRoot: new.rootHash,
                                          proof: log.consistencyProof(from: old.size, to: new.size))
    }

    /// A segment of a backlog ends at a size below the log's: its checkpoint has the root at that
    /// size, is kept (signing it again returns it), and does not become the latest.
    @Test func signsAPrefixOfTheLog() throws {
        let checkpoints = try Self.open()
        let log = checkpoints.log
        try Self.append(log, 0..<10)
        let whole = try checkpoints.signCheckpoint(at: 1)
        let prefix = try checkpoints.signCheckpoint(size: 4, at: 2)
        #expect(prefix.checkpoint.size == 4)
        #expect(try prefix.checkpoint.rootHash == log.rootHash(atSize: 4))
        #expect(try checkpoints.signCheckpoint(size: 4, at: 3) == prefix)
        #expect(try checkpoints.signCheckpoint(size: 10, at: 3) == whole)
        #expect(try checkpoints.latest() == whole)
        #expect(throws: LedgerError.self) { try checkpoints.signCheckpoint(size: 11, at: 4) }
    }

    @Test func persistsAcrossReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("node.sqlite")
        let signed: SignedCheckpoint
        do {
            let checkpoints = try Self.open(path)
            try Self.append(checkpoints.log, 0..<4)
            signed = try checkpoints.signCheckpoint(at: 1)
        }
        let checkpoints = try Self.open(path)
        #expect(try checkpoints.latest() == signed)
        #expect(try checkpoints.signCheckpoint(at: 2) == signed)
    }

    @Test func refusesARootThatContradictsTheLastCheckpoint() throws {
        let checkpoints = try Self.open()
        // A checkpoint of size 2 over other entries, as if the file had been swapped for another history.
        let forkRoot = MerkleTree(leafHashes: [MerkleHash.leaf([0xaa]), MerkleHash.leaf([0xbb])])
        let fork = try SignedCheckpoint.sign(Checkpoint(origin: Self.origin, size: 2, rootHash: forkRoot.rootHash()), with: Self.signer())
        try Self.insert(fork, into: checkpoints)
        try Self.append(checkpoints.log, 0..<3)
        let failure = #expect(throws: LedgerError.self) { try checkpoints.signCheckpoint(at: 5) }
        #expect(failure?.code == .inconsistentCheckpoint)
        #expect(try checkpoints.all() == [fork])
    }

    @Test func refusesALogSmallerThanTheLastCheckpoint() throws {
        let checkpoints = try Self.open()
        let ahead = try SignedCheckpoint.sign(Checkpoint(origin: Self.origin, size: 10, rootHash: MerkleHash.leaf([1])), with: Self.signer())
        try Self.insert(ahead, into: checkpoints)
        try Self.append(checkpoints.log, 0..<4)
        let failure = #expect(throws: LedgerError.self) { try checkpoints.signCheckpoint(at: 5) }
        #expect(failure?.code == .inconsistentCheckpoint)
    }

    @Test func refusesAnotherOriginForTheSameLog() throws {
        let checkpoints = try Self.open()
        try Self.append(checkpoints.log, 0..<2)
        _ = try checkpoints.signCheckpoint(at: 1)
        let renamed = try CheckpointLog(log: checkpoints.log, origin: "tollgate.example/other", signer: Self.signer())
        try Self.append(checkpoints.log, 2..<3)
        let failure = #expect(throws: LedgerError.self) { try renamed.signCheckpoint(at: 2) }
        #expect(failure?.code == .inconsistentCheckpoint)
    }

    @Test func aCheckpointSignedInAFailedTransactionIsNotKept() throws {
        let checkpoints = try Self.open()
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try checkpoints.log.database.transaction {
                try Self.append(checkpoints.log, 0..<2)
                _ = try checkpoints.signCheckpoint(at: 1)
                throw Abort()
            }
        }
        #expect(try checkpoints.latest() == nil)
        #expect(try checkpoints.log.size == 0)
    }

    @Test func storedCheckpointsCannotBeRewritten() throws {
        let checkpoints = try Self.open()
        try Self.append(checkpoints.log, 0..<2)
        _ = try checkpoints.signCheckpoint(at: 1)
        for sql in ["UPDATE log_checkpoints SET tree_size = 1", "DELETE FROM log_checkpoints"] {
            let failure = #expect(throws: SQLiteError.self) { try checkpoints.log.database.execute(sql) }
            #expect(failure?.code == .constraint)
        }
    }

    @Test func needsItsSchema() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try SchemaMigrations([LedgerSchema.merkleLog]).apply(to: db)
        let failure = #expect(throws: LedgerError.self) {
            try CheckpointLog(log: MerkleLog(database: db, name: "local"), origin: Self.origin, signer: Self.signer())
        }
        #expect(failure?.code == .schemaMissing)
    }

    static func insert(_ signed: SignedCheckpoint, into checkpoints: CheckpointLog) throws {
        try checkpoints.log.database.execute("""
            INSERT INTO log_checkpoints (log_id, tree_size, root_hash, note, signed_at) VALUES (?1, ?2, ?3, ?4, 0)
            """, [.integer(checkpoints.log.id), .integer(Int64(signed.checkpoint.size)), .blob(signed.checkpoint.rootHash), .text(signed.text)])
    }
}
