import CSQLite
import Foundation
import Testing
import TollgateTestSupport
@testable import TollgateLedger

@Suite struct SQLiteDatabaseTests {
    @Test func opensFilesDurably() throws {
        let directory = try TemporaryDirectory()
        let db = try SQLiteDatabase(path: directory.path("node.sqlite"))
        #expect(try db.query("PRAGMA journal_mode").first?.text(0) == "wal")
        #expect(try db.query("PRAGMA synchronous").first?.int64(0) == 2)  // FULL
        #expect(try db.query("PRAGMA foreign_keys").first?.int64(0) == 1)
        #expect(try db.query("PRAGMA busy_timeout").first?.int64(0) == 5_000)
    }

    /// A scratch database keeps its pages in its file and only `cacheKibibytes` of them in memory,
    /// syncs nothing, and still rolls back a failed transaction.
    @Test func scratchDatabasesKeepTheirPagesInTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("scratch.sqlite")
        let db = try SQLiteDatabase(scratchAt: path, cacheKibibytes: 256)
        #expect(try db.query("PRAGMA journal_mode").first?.text(0) == "memory")
        #expect(try db.query("PRAGMA synchronous").first?.int64(0) == 0)  // OFF
        #expect(try db.query("PRAGMA cache_size").first?.int64(0) == -256)
        #expect(try db.query("PRAGMA foreign_keys").first?.int64(0) == 1)
        #expect(db.checkpointStatistics == nil)
        try db.execute("CREATE TABLE t (b BLOB NOT NULL)")
        try db.transaction {
            for _ in 0..<500 { try db.execute("INSERT INTO t VALUES (zeroblob(4000))") }
        }
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (zeroblob(4000))")
                throw Refused()
            }
        }
        #expect(try db.query("SELECT count(*) FROM t").first?.int64(0) == 500)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        // The transaction is not written yet (see the test below), but the pages the cache could not hold spilled into the file.
        #expect(size > 500 * 4_000 - 256 * 1_024, "the rows are in the file, not only in memory")
    }

    /// A scratch database writes the pages its transactions change once per group of them, not
    /// once per transaction; the fault injector still sees every transaction's COMMIT, and a
    /// transaction refused there or rolled back takes nothing of the others in its group with it.
    @Test func scratchDatabasesWriteTheirPagesOncePerGroupOfCommits() throws {
        let directory = try TemporaryDirectory()
        let db = try SQLiteDatabase(scratchAt: directory.path("scratch.sqlite"), cacheKibibytes: 1_024, commitsPerWrite: 32)
        try db.execute("CREATE TABLE t (n INTEGER NOT NULL)")
        func pagesWritten() -> Int32 {
            var current: Int32 = 0
            var highest: Int32 = 0
            sqlite3_db_status(db.connection.handle, SQLITE_DBSTATUS_CACHE_WRITE, &current, &highest, 0)
            return current
        }
        var commits = 0
        db.faultInjector = { call in
            guard call.isCommit else { return nil }
            commits += 1
            return commits == 7 ? SQLITE_FULL : nil
        }
        let before = pagesWritten()
        struct Refused: Error {}
        var refusedAtCommit = 0
        for n in 0..<33 {
            do {
                try db.transaction {
                    #expect(db.isInTransaction)
                    try db.execute("INSERT INTO t VALUES (?1)", [.integer(Int64(n))])
                    if n == 3 { throw Refused() }
                }
            } catch let error as SQLiteError {
                #expect(error.code == .diskFull)
                refusedAtCommit += 1
            } catch {
                #expect(error is Refused)
            }
            #expect(!db.isInTransaction)
        }
        #expect(commits == 32)  // every transaction but the one its body refused
        #expect(refusedAtCommit == 1)
        #expect(pagesWritten() == before, "nothing is written before the group is full")
        try db.transaction { try db.execute("INSERT INTO t VALUES (33)") }  // the 32nd to commit
        let written = pagesWritten() - before
        #expect(written >= 1 && written <= 4, "the group's changed pages are written once: \(written)")
        let stored = try db.query("SELECT n FROM t ORDER BY n").map { try $0.int64(0) }
        #expect(stored == (0..<34).filter { $0 != 3 && $0 != 7 }.map(Int64.init))
    }

    @Test func theWALIsCheckpointedInTheBackground() throws {
        let directory = try TemporaryDirectory()
        let db = try SQLiteDatabase(path: directory.path("node.sqlite"))
        #expect(db.checkpointStatistics?.completed == 0)
        try db.execute("CREATE TABLE t (b BLOB NOT NULL)")
        // About 1,250 pages of WAL, past the checkpointer's threshold of 1,000.
        for _ in 0..<10 {
            try db.transaction {
                for _ in 0..<500 { try db.execute("INSERT INTO t VALUES (zeroblob(8000))") }
            }
        }
        var waited = 0
        while db.checkpointStatistics?.completed == 0 && waited < 10_000 {
            usleep(10_000)
            waited += 10
        }
        #expect((db.checkpointStatistics?.completed ?? 0) >= 1)
        #expect(db.checkpointStatistics?.failures == 0)
        #expect(try db.query("SELECT count(*) FROM t").first?.int64(0) == 5_000)
        #expect(try SQLiteDatabase(path: ":memory:").checkpointStatistics == nil)
    }

    @Test func bindsAndReadsEveryType() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n BLOB)")
        let text = "caf\u{e9} \u{2014} nul\u{0}inside"
        try db.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", [.integer(Int64.min), .real(2.5), .text(text), .blob([0, 1, 255]), nil])
        try db.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", [7, .real(0), "", .blob([]), nil])
        let rows = try db.query("SELECT i, r, s, b, n, typeof(b), typeof(s) FROM t ORDER BY rowid")
        #expect(rows.count == 2)
        #expect(try rows[0].int64(0) == Int64.min)
        #expect(rows[0][1] == .real(2.5))
        #expect(try rows[0].text(2) == text)
        #expect(try rows[0].blob(3) == [0, 1, 255])
        #expect(try rows[0].isNull(4))
        // Empty bytes stay an empty blob, distinct from NULL; an empty string stays text.
        #expect(try rows[1].blob(3) == [])
        #expect(try rows[1].text(5) == "blob")
        #expect(try rows[1].text(2) == "")
        #expect(try rows[1].text(6) == "text")
        #expect(throws: SQLiteError.self) { try rows[0].text(0) }
        #expect(throws: SQLiteError.self) { try rows[0].blob(2) }
        #expect(throws: SQLiteError.self) { try rows[0].uint64(0) }
        #expect(throws: SQLiteError.self) { try rows[0].int64(9) }
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO t (i) VALUES (?1)", []) }
    }

    @Test func preparedStatementsStepRowByRow() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (i INTEGER)")
        for value in 1...3 as ClosedRange<Int64> { try db.execute("INSERT INTO t VALUES (?1)", [.integer(value)]) }
        let statement = try db.prepare("SELECT i FROM t WHERE i >= ?1 ORDER BY i")
        try statement.bind([2])
        var seen: [Int64] = []
        while try statement.step() { seen.append(try statement.row().int64(0)) }
        #expect(seen == [2, 3])
        #expect(try statement.run([3]).map { try $0.int64(0) } == [3])
        #expect(throws: SQLiteError.self) { try db.prepare("SELEKT nonsense") }
    }

    @Test func constraintViolationsHaveTheirOwnCode() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        try db.execute("INSERT INTO t VALUES (1, 'a')")
        let duplicate = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO t VALUES (1, 'b')") }
        #expect(duplicate?.code == .constraint)
        #expect(duplicate?.resultCode == ExtendedCode.constraintPrimaryKey)
        #expect(duplicate?.sql == "INSERT INTO t VALUES (1, 'b')")
        let missing = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO t VALUES (2, NULL)") }
        #expect(missing?.code == .constraint)
        #expect(missing?.resultCode == ExtendedCode.constraintNotNull)
        let syntax = #expect(throws: SQLiteError.self) { try db.executeScript("CREATE TABLE t t t") }
        #expect(syntax?.code == .sqlite)
        #expect(syntax?.resultCode == SQLITE_ERROR)
    }

    @Test func transactionsCommitOrRollBackAsAWhole() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        try db.transaction {
            try db.execute("INSERT INTO t VALUES (1)")
            #expect(db.isInTransaction)
        }
        #expect(!db.isInTransaction)
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (2)")
                throw Abort()
            }
        }
        #expect(try Self.values(db) == [1])
        #expect(!db.isInTransaction)
    }

    @Test func nestedTransactionsAreSavepoints() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        struct Abort: Error {}
        try db.transaction {
            try db.execute("INSERT INTO t VALUES (1)")
            #expect(throws: Abort.self) {
                try db.transaction {
                    try db.execute("INSERT INTO t VALUES (2)")
                    throw Abort()
                }
            }
            try db.transaction { try db.execute("INSERT INTO t VALUES (3)") }
        }
        #expect(try Self.values(db) == [1, 3])
        #expect(throws: Abort.self) {
            try db.transaction {
                try db.transaction { try db.execute("INSERT INTO t VALUES (4)") }
                throw Abort()
            }
        }
        #expect(try Self.values(db) == [1, 3])
    }

    @Test func aFailedCommitLeavesNothingBehind() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        db.faultInjector = { $0 == SQLiteCall(kind: .step, sql: "COMMIT") ? ExtendedCode.ioErrorFsync : nil }
        let failure = #expect(throws: SQLiteError.self) {
            try db.transaction { try db.execute("INSERT INTO t VALUES (1)") }
        }
        #expect(failure?.code == .ioError)
        #expect(failure?.resultCode == ExtendedCode.ioErrorFsync)
        #expect(!db.isInTransaction)
        db.faultInjector = nil
        #expect(try Self.values(db) == [])
        try db.transaction { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(try Self.values(db) == [2])
    }

    @Test func aFailedStepAbortsTheTransaction() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        var inserts = 0
        db.faultInjector = { call in
            guard call.kind == .step, call.sql.hasPrefix("INSERT") else { return nil }
            inserts += 1
            return inserts == 3 ? SQLITE_FULL : nil
        }
        let failure = #expect(throws: SQLiteError.self) {
            try db.transaction {
                for value in 1...5 as ClosedRange<Int64> { try db.execute("INSERT INTO t VALUES (?1)", [.integer(value)]) }
            }
        }
        #expect(failure?.code == .diskFull)
        #expect(try Self.values(db) == [])
    }

    @Test func aFailedRollbackIsCompletedBeforeTheNextTransaction() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        struct Abort: Error {}
        db.faultInjector = { $0.sql == "ROLLBACK" ? SQLITE_IOERR : nil }
        #expect(throws: Abort.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Abort()
            }
        }
        #expect(db.isInTransaction)  // the injected fault kept the ROLLBACK from running
        db.faultInjector = nil
        try db.transaction { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(try Self.values(db) == [2])
        #expect(!db.isInTransaction)
    }

    @Test func aSavepointThatCannotRollBackSinksTheWholeTransaction() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        struct Abort: Error {}
        db.faultInjector = { $0.sql.hasPrefix("ROLLBACK TO") ? SQLITE_IOERR : nil }
        let failure = #expect(throws: SQLiteError.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                do {
                    try db.transaction {
                        try db.execute("INSERT INTO t VALUES (2)")
                        throw Abort()
                    }
                } catch is Abort {
                    // The caller carries on, but the half-undone savepoint must not be committed.
                }
            }
        }
        #expect(failure?.code == .rollbackFailed)
        db.faultInjector = nil
        #expect(try Self.values(db) == [])
    }

    @Test func faultsCanBeInjectedIntoOpenPrepareAndBind() throws {
        let directory = try TemporaryDirectory()
        let opening = #expect(throws: SQLiteError.self) {
            try SQLiteDatabase(path: directory.path("a.sqlite"), faultInjector: { $0.kind == .open ? SQLITE_CANTOPEN : nil })
        }
        #expect(opening?.code == .cannotOpen)
        let db = try SQLiteDatabase(path: directory.path("b.sqlite"))
        try db.execute("CREATE TABLE t (v INTEGER)")
        db.faultInjector = { $0.kind == .prepare ? SQLITE_NOMEM : nil }
        #expect(throws: SQLiteError.self) { try db.query("SELECT v FROM t") }
        db.faultInjector = { $0.kind == .bind ? SQLITE_TOOBIG : nil }
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO t VALUES (?1)", [1]) }
        db.faultInjector = nil
        #expect(try db.query("SELECT count(*) FROM t").first?.int64(0) == 0)
    }

    @Test func anUnopenableFileReportsWhy() throws {
        let failure = #expect(throws: SQLiteError.self) {
            try SQLiteDatabase(path: "/nonexistent-directory-for-tollgate/x.sqlite")
        }
        #expect(failure?.code == .cannotOpen)
    }

    @Test func aBusyDatabaseTimesOut() throws {
        let directory = try TemporaryDirectory()
        let first = try SQLiteDatabase(path: directory.path("shared.sqlite"))
        try first.execute("CREATE TABLE t (v INTEGER)")
        let second = try SQLiteDatabase(path: directory.path("shared.sqlite"), busyTimeoutMilliseconds: 50)
        try first.transaction {
            try first.execute("INSERT INTO t VALUES (1)")
            let busy = #expect(throws: SQLiteError.self) { try second.transaction { try second.execute("INSERT INTO t VALUES (2)") } }
            #expect(busy?.code == .busy)
        }
        #expect(try second.query("SELECT v FROM t").map { try $0.int64(0) } == [1])
    }

    static func values(_ db: SQLiteDatabase) throws -> [Int64] {
        try db.query("SELECT v FROM t ORDER BY rowid").map { try $0.int64(0) }
    }
}
