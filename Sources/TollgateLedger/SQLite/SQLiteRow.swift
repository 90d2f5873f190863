/// One result row, read out of the statement so it stays valid after the statement moves on.
public struct SQLiteRow: Hashable {
    public var values: [SQLiteValue]

    public init(values: [SQLiteValue]) { self.values = values }

    public subscript(column: Int) -> SQLiteValue { values[column] }

    public func int64(_ column: Int) throws(SQLiteError) -> Int64 {
        guard case .integer(let value) = try value(column) else { throw mismatch(column, "an integer") }
        return value
    }

    /// A non-negative integer column, such as a log index or size.
    public func uint64(_ column: Int) throws(SQLiteError) -> UInt64 {
        let value = try int64(column)
        guard value >= 0 else { throw SQLiteError(.typeMismatch, "column \(column) holds \(value), expected a non-negative integer") }
        return UInt64(value)
    }

    public func text(_ column: Int) throws(SQLiteError) -> String {
        guard case .text(let value) = try value(column) else { throw mismatch(column, "text") }
        return value
    }

    public func blob(_ column: Int) throws(SQLiteError) -> [UInt8] {
        guard case .blob(let value) = try value(column) else { throw mismatch(column, "a blob") }
        return value
    }

    public func isNull(_ column: Int) throws(SQLiteError) -> Bool {
        try value(column) == .null
    }

    private func value(_ column: Int) throws(SQLiteError) -> SQLiteValue {
        guard values.indices.contains(column) else {
            throw SQLiteError(.typeMismatch, "column \(column) is out of range; the row has \(values.count)")
        }
        return values[column]
    }

    private func mismatch(_ column: Int, _ expected: String) -> SQLiteError {
        SQLiteError(.typeMismatch, "column \(column) holds \(values[column]), expected \(expected)")
    }
}

extension SQLiteRow: Sendable {}
