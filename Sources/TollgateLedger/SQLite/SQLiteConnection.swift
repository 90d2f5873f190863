import CSQLite
import Glibc

/// Owns one `sqlite3*` handle and is the single place the wrapper's checked SQLite calls go through.
///
/// Statements keep a reference to it, so the handle is closed only after the last of them is finalized.
final class SQLiteConnection {
    let handle: OpaquePointer
    var faultInjector: SQLiteFaultInjector?

    /// Opens `path` with `flags`; the handle is closed again if opening fails.
    init(path: String, flags: Int32, faultInjector: SQLiteFaultInjector?) throws(SQLiteError) {
        if let code = faultInjector?(SQLiteCall(kind: .open, sql: path)) {
            throw SQLiteError(resultCode: code, message: "injected fault opening \(path)", sql: nil)
        }
        var raw: OpaquePointer?
        let rc = sqlite3_open_v2(path, &raw, flags, nil)
        guard rc == SQLITE_OK, let raw else {
            let message = raw.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            let extended = raw.map { sqlite3_extended_errcode($0) } ?? rc
            sqlite3_close_v2(raw)
            throw SQLiteError(resultCode: extended, message: "cannot open \(path): \(message)", sql: nil)
        }
        handle = raw
        self.faultInjector = faultInjector
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Makes one SQLite call unless the fault injector fails it; returns the result code when it is one of `accepted`.
    @discardableResult
    func call(_ kind: SQLiteCall.Kind, _ sql: String, accepting accepted: [Int32] = [SQLITE_OK],
              _ body: () -> Int32) throws(SQLiteError) -> Int32 {
        if let injected = faultInjector?(SQLiteCall(kind: kind, sql: sql)) {
            throw SQLiteError(resultCode: injected, message: "injected fault in \(kind)", sql: sql)
        }
        errno = 0
        let rc = body()
        // What the operating system answered the failing call with (`sqlite3_system_errno` reads 0 for
        // a failed WAL write on the SQLite versions we run on; errno right after the call still holds it).
        let systemError = errno
        guard accepted.contains(rc) else { throw error(rc, sql: sql, systemError: systemError) }
        return rc
    }

    /// The error for a failed call, with SQLite's message for this connection and `systemError`,
    /// the errno the call left.
    func error(_ rc: Int32, sql: String?, systemError: Int32) -> SQLiteError {
        let message = String(cString: sqlite3_errmsg(handle))
        let extended = sqlite3_extended_errcode(handle)
        // The connection's last error can be a different, earlier one when `rc` came from elsewhere.
        let code = (extended & 0xff) == (rc & 0xff) ? extended : rc
        var error = SQLiteError(resultCode: code, message: message, sql: sql)
        if (code & 0xff) == SQLITE_IOERR {
            // SQLite answers a write refused for lack of space with SQLITE_FULL only when the write was
            // cut short; one refused outright (ENOSPC, EFBIG past a file size limit, EDQUOT) or on a
            // file system that became read-only comes back as a plain I/O error: classify it by errno.
            switch systemError {
            case ENOSPC, EFBIG, EDQUOT: error.code = .diskFull
            case EROFS: error.code = .readOnly
            default: break
            }
            if systemError != 0 { error.reason += " (\(String(cString: strerror(systemError))))" }
        }
        return error
    }

    /// Whether a transaction is open (autocommit is off).
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
