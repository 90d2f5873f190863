import CSQLite

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
    let connection: SQLiteConnection
    /// The file path, or `:memory:`.
    public let path: String
    private var statements: [String: SQLiteStatement] = [:]
    private var transactionDepth = 0
    /// Set when a ROLLBACK failed, so the open transaction is rolled back before the next one starts.
    private var pendingRollback = false
    /// Set when a savepoint could not be rolled back, so the enclosing transaction must not commit.
    private var savepointRollbackFailed = false
    /// Checkpoints the WAL of a file database in the background; nil for an in-memory one.
    private var checkpointer: WALCheckpointer?
    /// Whether a Merkle log found its tables here once (the schema only ever grows).
    var hasMerkleLogTables = false
    /// Rollbacks (of transactions and of savepoints) on this connection so far.
    private var rollbacks: UInt64 = 0
    /// Per Merkle log (by id): its frontier as the last append on this connection left it.
    private var merkleFrontiers: [Int64: (size: UInt64, hashes: [[UInt8]], rollbacks: UInt64)] = [:]

    /// Opens or creates the database at `path` (`":memory:"` for a private in-memory one).
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5_000,
                faultInjector: SQLiteFaultInjector? = nil) throws(SQLiteError) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        connection = try SQLiteConnection(path: path, flags: flags, faultInjector: faultInjector)
        self.path = path
        let handle = connection.handle
        try connection.call(.open, "busy_timeout") { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }
        let mode = try query("PRAGMA journal_mode=WAL").first?.text(0)
        // An in-memory database keeps its journal in memory; every file database must be in WAL mode.
        guard mode == "wal" || mode == "memory" else {
            throw SQLiteError(.cannotOpen, "journal_mode=WAL was refused (mode is \(mode ?? "unknown"))", sql: "PRAGMA journal_mode=WAL")
        }
        // Temporary files, such as the journal a savepoint is rolled back from, stay in memory: they
        // are never part of what a crash recovers, and a group commit's savepoints outgrow the
        // in-memory part of a file journal, which would cost a file created and deleted per batch.
        try executeScript("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;")
        if mode == "wal" {
            let checkpointer = WALCheckpointer(path: path)
            sqlite3_wal_hook(handle, WALCheckpointer.hook, Unmanaged.passUnretained(checkpointer).toOpaque())
            self.checkpointer = checkpointer
        }
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

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { connection.isInTransaction }

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
        if pendingRollback {
            try control("ROLLBACK")
            pendingRollback = false
        }
        try control("BEGIN IMMEDIATE")
        transactionDepth = 1
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
            throw SQLiteError(.sqlite, "a nested savepoint could not be rolled back, so the whole transaction was")
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
}
