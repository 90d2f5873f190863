/// One call the wrapper is about to make into SQLite, as shown to a fault injector.
public struct SQLiteCall: Hashable, CustomStringConvertible {
    /// Which SQLite entry point is being called.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `sqlite3_open_v2` and the settings applied right after it.
        public static let open = Kind("open")
        /// `sqlite3_prepare_v2`.
        public static let prepare = Kind("prepare")
        /// `sqlite3_bind_*`.
        public static let bind = Kind("bind")
        /// `sqlite3_step`.
        public static let step = Kind("step")
        /// `sqlite3_exec`, which runs pragmas and migration scripts (BEGIN, COMMIT, ROLLBACK and
        /// savepoints are cached statements, so their calls are steps).
        public static let exec = Kind("exec")
    }

    public var kind: Kind
    /// The statement text, or the file path for `.open`.
    public var sql: String

    public init(kind: Kind, sql: String) {
        self.kind = kind
        self.sql = sql
    }

    public var description: String { "\(kind): \(sql)" }
}

extension SQLiteCall: Sendable {}

/// Decides, before each SQLite call, whether to fail it with the returned result code instead of making it.
///
/// Tests use it to reach error paths a healthy disk never takes (a failed COMMIT, a full disk mid-append).
public typealias SQLiteFaultInjector = (SQLiteCall) -> Int32?
