import CSQLite

/// A failure a ``SQLiteFaultInjector`` can make a call end with, as the disk or another writer
/// would: the seam's vocabulary for callers that do not speak SQLite result codes (the simulator's
/// storage faults, tests of the refusal paths).
public enum SQLiteFault: String, CaseIterable, Sendable {
    /// Another connection holds the lock and the busy timeout ran out (`SQLITE_BUSY`).
    case busy
    /// The operating system failed a read or a write (`SQLITE_IOERR`).
    case ioError = "io_error"
    /// The disk is full (`SQLITE_FULL`).
    case diskFull = "disk_full"

    /// The result code the failed call returns instead of making the call.
    public var resultCode: Int32 {
        switch self {
        case .busy: SQLITE_BUSY
        case .ioError: SQLITE_IOERR
        case .diskFull: SQLITE_FULL
        }
    }
}

extension SQLiteCall {
    /// Whether this is the step of an outermost transaction's `COMMIT`, where a failure loses the
    /// whole transaction and the caller must be told that nothing of it was kept.
    public var isCommit: Bool { kind == .step && sql == "COMMIT" }
}
