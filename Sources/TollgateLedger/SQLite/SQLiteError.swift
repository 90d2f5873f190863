import CSQLite
import TollgateCrypto

/// A failure reported by SQLite or by the wrapper around it.
public struct SQLiteError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// A UNIQUE, PRIMARY KEY, NOT NULL, CHECK, FOREIGN KEY or trigger constraint refused a change.
        public static let constraint = Code("constraint")
        /// The database is locked by another connection and the busy timeout ran out.
        public static let busy = Code("busy")
        /// The operating system reported a read or write error.
        public static let ioError = Code("io_error")
        /// The disk or the database's size limit is full.
        public static let diskFull = Code("disk_full")
        /// The file is not a database or is damaged.
        public static let corrupt = Code("corrupt")
        /// The database cannot be written.
        public static let readOnly = Code("read_only")
        /// The file could not be opened.
        public static let cannotOpen = Code("cannot_open")
        /// A column did not hold the type the caller read it as.
        public static let typeMismatch = Code("type_mismatch")
        /// The database was written by a newer build whose schema this one does not know.
        public static let schemaTooNew = Code("schema_too_new")
        /// The applied schema steps differ from the ones this build lists.
        public static let schemaMismatch = Code("schema_mismatch")
        /// A savepoint nested in a transaction could not be rolled back, so the whole transaction was.
        public static let rollbackFailed = Code("rollback_failed")
        /// Any other SQLite failure; `resultCode` tells which.
        public static let sqlite = Code("sqlite")
    }

    public var code: Code
    public var reason: String
    /// SQLite's extended result code, or `SQLITE_ERROR` for failures found by the wrapper itself.
    public var resultCode: Int32
    /// The statement that failed, when there was one.
    public var sql: String?
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, resultCode: Int32 = SQLITE_ERROR, sql: String? = nil,
                file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.resultCode = resultCode
        self.sql = sql
        location = ErrorLocation(file: file, line: line)
    }

    /// The error for an SQLite result code, classified by its primary code.
    init(resultCode: Int32, message: String, sql: String?, file: String = #fileID, line: UInt = #line) {
        let code: Code
        switch resultCode & 0xff {
        case SQLITE_CONSTRAINT: code = .constraint
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        case SQLITE_IOERR: code = .ioError
        case SQLITE_FULL: code = .diskFull
        case SQLITE_CORRUPT, SQLITE_NOTADB: code = .corrupt
        case SQLITE_READONLY: code = .readOnly
        case SQLITE_CANTOPEN: code = .cannotOpen
        default: code = .sqlite
        }
        self.init(code, message, resultCode: resultCode, sql: sql, file: file, line: line)
    }

    /// `code: reason`, with SQLite's result code and the statement, which an operator reports.
    public var description: String {
        var text = "\(code): \(reason) (SQLite code \(resultCode))"
        if let sql { text += " in: \(sql)" }
        return text
    }
}
