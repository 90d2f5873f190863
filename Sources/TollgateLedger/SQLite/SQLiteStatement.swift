import CSQLite

/// A prepared statement; owns its `sqlite3_stmt*` and finalizes it on deinit.
///
/// Not thread-safe: use it only where its database is used.
public final class SQLiteStatement {
    let handle: OpaquePointer
    let connection: SQLiteConnection
    /// The statement text, for error messages.
    public let sql: String

    init(connection: SQLiteConnection, sql: String) throws(SQLiteError) {
        var raw: OpaquePointer?
        try connection.call(.prepare, sql) { sqlite3_prepare_v2(connection.handle, sql, -1, &raw, nil) }
        guard let raw else {
            // SQLite returns no statement for text that holds only whitespace or comments.
            throw SQLiteError(.sqlite, "no statement to prepare", sql: sql)
        }
        handle = raw
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Resets the statement and binds `values` to its parameters `?1`, `?2`, …
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(.sqlite, "statement takes \(expected) parameters, got \(values.count)", resultCode: SQLITE_RANGE, sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            try connection.call(.bind, sql) { bind(value, at: index) }
        }
    }

    private func bind(_ value: SQLiteValue, at index: Int32) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(handle, index)
        case .integer(let number):
            return sqlite3_bind_int64(handle, index, number)
        case .real(let number):
            return sqlite3_bind_double(handle, index, number)
        case .text(let string):
            // The explicit length keeps any embedded NUL characters.
            let count = sqlite3_uint64(string.utf8.count)
            return string.withCString {
                sqlite3_bind_text64(handle, index, $0, count, tollgate_sqlite_transient(), UInt8(SQLITE_UTF8))
            }
        case .blob(let bytes) where bytes.isEmpty:
            // A NULL pointer would bind SQL NULL; a zero-length blob keeps "no bytes" distinct from "no value".
            return sqlite3_bind_zeroblob(handle, index, 0)
        case .blob(let bytes):
            return bytes.withUnsafeBytes { buffer in
                sqlite3_bind_blob64(handle, index, buffer.baseAddress, sqlite3_uint64(buffer.count), tollgate_sqlite_transient())
            }
        }
    }

    /// Advances to the next row; `false` when the statement has finished.
    public func step() throws(SQLiteError) -> Bool {
        let rc = try connection.call(.step, sql, accepting: [SQLITE_ROW, SQLITE_DONE]) { sqlite3_step(handle) }
        return rc == SQLITE_ROW
    }

    /// The current row's columns.
    public func row() -> SQLiteRow {
        let count = sqlite3_column_count(handle)
        var values: [SQLiteValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            values.append(value(at: column))
        }
        return SQLiteRow(values: values)
    }

    private func value(at column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// Binds `values`, runs the statement to completion and returns every row.
    public func run(_ values: [SQLiteValue] = []) throws(SQLiteError) -> [SQLiteRow] {
        try bind(values)
        defer { sqlite3_reset(handle) }
        var rows: [SQLiteRow] = []
        while try step() {
            rows.append(row())
        }
        return rows
    }
}
