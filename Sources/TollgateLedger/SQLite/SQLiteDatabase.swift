import CSQLite
import Glibc

/// One connection to a node's SQLite file, set up for durability: WAL journal, `synchronous=FULL`,
/// foreign keys enforced, and a busy timeout; temporary files are kept in memory. A file
/// database's WAL is copied back into the file by a ``WALCheckpointer`` on its own thread, not in
/// the commits of this connection.
///
/// Not `Sendable`: a connection runs one transaction at a time, so it has a single owner (an actor
/// or one thread) and the compiler keeps it there. It is opened with `SQLITE_OPEN_NOMUTEX` for that reason.
/// Group related writes with ``transaction(_:)``; the Merkle log and the node's own tables share one
/// connection so that both change in the same transaction.
public final class SQLiteDatabase {
    /// The connection in use; replaced once when a store opened read-only becomes writable.
    private(set) var connection: SQLiteConnection
    /// The file path, or `:memory:`.
    public let path: String
    private let busyTimeoutMilliseconds: Int32
    /// Whether the file was opened read-only because it could not be written (see `init`); writes
    /// then fail with `.readOnly` until the next transaction finds it writable again.
    public private(set) var isReadOnly = false
    private var statements: [String: SQLiteStatement] = [:]
    private var transactionDepth = 0
    /// Set when a ROLLBACK failed, so the open transaction is rolled back before the next one starts.
    private var pendingRollback = false
    /// Set when a savepoint could not be rolled back, so the enclosing transaction must not commit.
    private var savepointRollbackFailed = false
    /// Checkpoints the WAL of a file database in the background; nil for an in-memory or read-only one.
    private var checkpointer: WALCheckpointer?
    /// Whether a Merkle log found its tables here once (the schema only ever grows).
    var hasMerkleLogTables = false
    /// Rollbacks (of transactions and of savepoints) on this connection so far.
    private var rollbacks: UInt64 = 0
    /// Per Merkle log (by id): its frontier as the last append on this connection left it.
    private var merkleFrontiers: [Int64: (size: UInt64, hashes: [[UInt8]], rollbacks: UInt64)] = [:]
    /// Outermost transactions begun on this connection so far: what a remembered log size is good for.
    private var transactionSerial: UInt64 = 0
    /// Per Merkle log (by id): its size as read or appended to in the open transaction.
    private var merkleSizes: [Int64: (size: UInt64, transaction: UInt64, rollbacks: UInt64)] = [:]
    /// How many transactions a scratch database commits together in one SQLite transaction; 1 for
    /// every other database, whose every transaction is its own SQLite transaction.
    private let commitsPerWrite: Int
    /// The transactions of a scratch database committed since its SQLite transaction began.
    private var unwrittenCommits = 0

    /// Opens or creates the database at `path` (`":memory:"` for a private in-memory one).
    ///
    /// With `allowingReadOnly`, a file that exists but cannot be written (its directory or the file
    /// read-only) is opened for reading instead of failing: what is stored can still be served, every
    /// write fails with `.readOnly`, and the first transaction after the file became writable again
    /// reopens it for writing. The caller must be the file's only writer (a node holds its directory's
    /// lock), since a read-only open without a WAL file assumes nobody changes the file meanwhile.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5_000,
                faultInjector: SQLiteFaultInjector? = nil, allowingReadOnly: Bool = false) throws(SQLiteError) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        do {
            connection = try Self.connect(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, faultInjector: faultInjector)
            // SQLite opens a file it may not write for reading only, without an error, when its WAL
            // files are there already (the last writer was killed).
            isReadOnly = sqlite3_db_readonly(connection.handle, "main") == 1
        } catch where allowingReadOnly && error.code == .readOnly {
            connection = try Self.connectReadOnly(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, faultInjector: faultInjector)
            isReadOnly = true
        }
        commitsPerWrite = 1
        if !isReadOnly && path != ":memory:" { startCheckpointer() }
    }

    /// Opens or creates a scratch database at `path`: for a process that holds many stores at once
    /// and needs none of them after it exits (the simulator's nodes). The file holds the pages and
    /// SQLite keeps at most `cacheKibibytes` of them in memory, where an in-memory database would
    /// keep them all; the rollback journal stays in memory (savepoints and rollbacks work as usual)
    /// and nothing is synced, so the file is worth nothing after a crash of the process. The caller
    /// removes it when done.
    ///
    /// Its transactions are savepoints of one SQLite transaction that commits every
    /// `commitsPerWrite` of them: a page that many transactions change in turn (the log's last
    /// page, an index's) is written to the file once per group, not once per transaction, and the
    /// fault injector still sees each transaction's `COMMIT` where it would be. Every transaction
    /// reads what the ones before it committed, as always; only a failure to write the file (its
    /// disk full) loses the whole group, which a scratch file, worth nothing after a crash, can
    /// afford. At most a group's changed pages are kept in memory for the rollback journal.
    public init(scratchAt path: String, cacheKibibytes: Int, commitsPerWrite: Int = 32,
                faultInjector: SQLiteFaultInjector? = nil) throws(SQLiteError) {
        self.path = path
        busyTimeoutMilliseconds = 0
        self.commitsPerWrite = max(1, commitsPerWrite)
        connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                          faultInjector: faultInjector)
        try Self.execute(script: """
            PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;
            PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-\(max(64, cacheKibibytes));
            """, on: connection)
    }

    /// A read-write connection set up for durability: WAL journal, `synchronous=FULL`, foreign keys.
    private static func connect(path: String, busyTimeoutMilliseconds: Int32,
                                faultInjector: SQLiteFaultInjector?) throws(SQLiteError) -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                              faultInjector: faultInjector)
        let handle = connection.handle
        try connection.call(.open, "busy_timeout") { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }
        let mode = try SQLiteStatement(connection: connection, sql: "PRAGMA journal_mode=WAL").run().first?.text(0)
        // An in-memory database keeps its journal in memory; every file database must be in WAL mode.
        guard mode == "wal" || mode == "memory" else {
            throw SQLiteError(.cannotOpen, "journal_mode=WAL was refused (mode is \(mode ?? "unknown"))", sql: "PRAGMA journal_mode=WAL")
        }
        // Temporary files, such as the journal a savepoint is rolled back from, stay in memory: they
        // are never part of what a crash recovers, and a group commit's savepoints outgrow the
        // in-memory part of a file journal, which would cost a file created and deleted per batch.
        try execute(script: "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", on: connection)
        return connection
    }

    /// A read-only connection to a file that cannot be written. With a WAL file left behind (the last
    /// writer was killed) SQLite reads it through the existing `-shm`; without one, the file alone holds
    /// everything committed, and `immutable` lets SQLite read it without creating a `-shm` it may not.
    private static func connectReadOnly(path: String, busyTimeoutMilliseconds: Int32,
                                        faultInjector: SQLiteFaultInjector?) throws(SQLiteError) -> SQLiteConnection {
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        let connection: SQLiteConnection
        if access(path + "-wal", F_OK) == 0 {
            connection = try SQLiteConnection(path: path, flags: flags, faultInjector: faultInjector)
        } else {
            let encoded = path.utf8.map { byte -> String in
                let plain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || "/-_.~".utf8.contains(byte)
                return plain ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }.joined()
            connection = try SQLiteConnection(path: "file:\(encoded)?immutable=1", flags: flags | SQLITE_OPEN_URI, faultInjector: faultInjector)
        }
        let handle = connection.handle
        try connection.call(.open, "busy_timeout") { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }
        try execute(script: "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", on: connection)
        return connection
    }

    private static func execute(script sql: String, on connection: SQLiteConnection) throws(SQLiteError) {
        let handle = connection.handle
        try connection.call(.exec, sql) { sqlite3_exec(handle, sql, nil, nil, nil) }
    }

    private func startCheckpointer() {
        let checkpointer = WALCheckpointer(path: path)
        sqlite3_wal_hook(connection.handle, WALCheckpointer.hook, Unmanaged.passUnretained(checkpointer).toOpaque())
        self.checkpointer = checkpointer
    }

    /// Opens the file for writing again if it was opened read-only and can be written now; the
    /// statements and Merkle frontiers of the read-only connection are dropped with it.
    private func reopenIfWritable() {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        guard access(directory.isEmpty ? "." : directory, W_OK) == 0, access(path, W_OK) == 0,
              let placeholder = try? SQLiteConnection(path: ":memory:", flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, faultInjector: nil)
        else { return }
        let faultInjector = connection.faultInjector
        // The read-only connection is closed first: SQLite shares one `-shm` mapping per file within
        // a process, and a new connection beside a read-only one would be read-only too.
        statements.removeAll()
        merkleFrontiers.removeAll()
        pendingRollback = false
        connection = placeholder
        if let fresh = try? Self.connect(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, faultInjector: faultInjector),
           sqlite3_db_readonly(fresh.handle, "main") == 0 {
            connection = fresh
            isReadOnly = false
            startCheckpointer()
        } else if let readOnly = try? Self.connectReadOnly(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, faultInjector: faultInjector) {
            connection = readOnly
        }
        // Otherwise the placeholder, which holds no table, fails every statement until the next transaction tries again.
    }

    deinit {
        if let checkpointer {
            sqlite3_wal_hook(connection.handle, nil, nil)
            checkpointer.stop()
        }
    }

    /// Background checkpoints done so far and those that failed; nil for an in-memory database.
    public var checkpointStatistics: (completed: UInt64, failures: UInt64)? { checkpointer?.statistics }

    /// Fails chosen SQLite calls from now on; `nil` makes every call for real again.
    public var faultInjector: SQLiteFaultInjector? {
        get { connection.faultInjector }
        set { connection.faultInjector = newValue }
    }

    // MARK: Statements

    /// A fresh prepared statement, for callers that step through rows themselves.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        try SQLiteStatement(connection: connection, sql: sql)
    }

    /// Runs one statement with `values` bound to `?1`, `?2`, … and returns all of its rows.
    ///
    /// The prepared statement is cached by its text, so pass values as parameters, never spliced in.
    @discardableResult
    public func query(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> [SQLiteRow] {
        let statement: SQLiteStatement
        if let cached = statements[sql] {
            statement = cached
        } else {
            statement = try prepare(sql)
            statements[sql] = statement
        }
        return try statement.run(values)
    }

    /// Runs one statement that returns no rows of interest.
    public func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) {
        try query(sql, values)
    }

    /// Runs a script of several statements without parameters (schema steps, pragmas).
    public func executeScript(_ sql: String) throws(SQLiteError) {
        let handle = connection.handle
        var message: UnsafeMutablePointer<CChar>?
        do {
            try connection.call(.exec, sql) { sqlite3_exec(handle, sql, nil, nil, &message) }
            sqlite3_free(message)
        } catch {
            if let message {
                var detailed = error
                detailed.reason = String(cString: message)
                sqlite3_free(message)
                throw detailed
            }
            throw error
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int64 { sqlite3_changes64(connection.handle) }

    /// Whether a transaction is open on this connection (on a scratch database, whether one of its
    /// transactions is, not the SQLite transaction its group shares).
    public var isInTransaction: Bool { commitsPerWrite > 1 ? transactionDepth > 0 : connection.isInTransaction }

    /// `PRAGMA user_version`, the schema version number stored in the file header.
    public var userVersion: Int64 {
        get throws(SQLiteError) { try query("PRAGMA user_version").first?.int64(0) ?? 0 }
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: `BEGIN IMMEDIATE`, then `COMMIT`, or `ROLLBACK` if `body` throws.
    ///
    /// Called inside another transaction it becomes a savepoint: a throwing `body` undoes only its own
    /// changes, and everything commits or rolls back with the outermost transaction. A commit is one
    /// fsync of the WAL, so batching many writes into one transaction is a group commit.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        if transactionDepth > 0 {
            return try savepoint(body)
        }
        if isReadOnly { reopenIfWritable() }
        if pendingRollback {
            try control("ROLLBACK")
            pendingRollback = false
        }
        if commitsPerWrite > 1 { return try groupedTransaction(body) }
        try control("BEGIN IMMEDIATE")
        transactionDepth = 1
        transactionSerial &+= 1
        savepointRollbackFailed = false
        defer { transactionDepth = 0 }
        let result: Result
        do {
            result = try body()
        } catch {
            rollbackAfterFailure()
            throw error
        }
        if savepointRollbackFailed {
            rollbackAfterFailure()
            throw SQLiteError(.rollbackFailed, "a nested savepoint could not be rolled back, so the whole transaction was")
        }
        do {
            try control("COMMIT")
        } catch {
            // A failed COMMIT can leave the transaction open (SQLITE_BUSY); nothing of it may survive.
            rollbackAfterFailure()
            throw error
        }
        return result
    }

    /// A scratch database's transaction: a savepoint of the SQLite transaction its group shares
    /// (see ``init(scratchAt:cacheKibibytes:commitsPerWrite:faultInjector:)``), committed by
    /// releasing it, which writes nothing, and written to the file with the rest of the group.
    private func groupedTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        if !connection.isInTransaction {
            try control("BEGIN IMMEDIATE")
            unwrittenCommits = 0
        }
        try control("SAVEPOINT \(Self.groupedTransactionName)")
        transactionDepth = 1
        transactionSerial &+= 1
        savepointRollbackFailed = false
        defer { transactionDepth = 0 }
        let result: Result
        do {
            result = try body()
        } catch {
            rollbackGroupedAfterFailure()
            throw error
        }
        if savepointRollbackFailed {
            rollbackGroupedAfterFailure()
            throw SQLiteError(.rollbackFailed, "a nested savepoint could not be rolled back, so the whole transaction was")
        }
        do {
            // The fault injector sees the transaction's COMMIT as on any other database, then the
            // savepoint is released; the group's own COMMIT is no transaction's, and it does not see that.
            if let injected = connection.faultInjector?(SQLiteCall(kind: .step, sql: "COMMIT")) {
                throw SQLiteError(resultCode: injected, message: "injected fault in \(SQLiteCall.Kind.step)", sql: "COMMIT")
            }
            try control("RELEASE \(Self.groupedTransactionName)")
        } catch {
            rollbackGroupedAfterFailure()
            throw error
        }
        unwrittenCommits += 1
        if unwrittenCommits >= commitsPerWrite {
            let injector = connection.faultInjector
            connection.faultInjector = nil
            defer { connection.faultInjector = injector }
            do {
                try control("COMMIT")
            } catch {
                rollbackAfterFailure()
                throw error
            }
        }
        return result
    }

    private static let groupedTransactionName = "tollgate_transaction"

    /// Undoes a scratch database's failed transaction, leaving the rest of its group in place.
    private func rollbackGroupedAfterFailure() {
        rollbacks += 1
        // SQLite rolls the whole group back by itself after some errors (a full disk, an I/O error).
        guard connection.isInTransaction else { return }
        do {
            try control("ROLLBACK TO \(Self.groupedTransactionName)")
            try control("RELEASE \(Self.groupedTransactionName)")
        } catch {
            pendingRollback = true
        }
    }

    private func savepoint<Result>(_ body: () throws -> Result) throws -> Result {
        let name = "tollgate_savepoint_\(transactionDepth)"
        try control("SAVEPOINT \(name)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let result = try body()
            try control("RELEASE \(name)")
            return result
        } catch {
            rollbacks += 1
            do {
                try control("ROLLBACK TO \(name)")
                try control("RELEASE \(name)")
            } catch {
                savepointRollbackFailed = true
            }
            throw error
        }
    }

    /// Runs a transaction-control statement (BEGIN, COMMIT, a savepoint…) through the statement
    /// cache: prepared once per connection instead of parsed again on every transaction.
    private func control(_ sql: String) throws(SQLiteError) {
        try query(sql)
    }

    private func rollbackAfterFailure() {
        rollbacks += 1
        // SQLite rolls back by itself after some errors (a full disk, an I/O error); then there is nothing left to do.
        guard connection.isInTransaction else { return }
        do {
            try control("ROLLBACK")
        } catch {
            pendingRollback = true
        }
    }

    // MARK: Merkle frontiers

    /// The frontier a Merkle log's last append on this connection left at `size`, if nothing was
    /// rolled back since: the roots of its complete subtrees, which the next append starts from.
    /// Other connections only ever add entries (the log's triggers forbid the rest), which changes
    /// the size, so a remembered frontier is never served for content it does not describe.
    func merkleFrontier(log: Int64, size: UInt64) -> [[UInt8]]? {
        guard let remembered = merkleFrontiers[log], remembered.size == size, remembered.rollbacks == rollbacks else { return nil }
        return remembered.hashes
    }

    func rememberMerkleFrontier(_ hashes: [[UInt8]], log: Int64, size: UInt64) {
        merkleFrontiers[log] = (size, hashes, rollbacks)
    }

    /// A Merkle log's size as this transaction last read or left it, if nothing was rolled back
    /// since: a sale, an activation and the append that follows each read it, one query instead of
    /// three. `BEGIN IMMEDIATE` keeps every other connection from writing until the transaction
    /// ends, so only this one can change it meanwhile; outside a transaction nothing is remembered.
    func merkleSize(log: Int64) -> UInt64? {
        guard transactionDepth > 0, let remembered = merkleSizes[log], remembered.transaction == transactionSerial,
              remembered.rollbacks == rollbacks else { return nil }
        return remembered.size
    }

    func rememberMerkleSize(_ size: UInt64, log: Int64) {
        guard transactionDepth > 0 else { return }
        merkleSizes[log] = (size, transactionSerial, rollbacks)
    }
}

private extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
