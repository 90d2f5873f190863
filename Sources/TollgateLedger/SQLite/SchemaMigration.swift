/// One numbered step of a database schema: SQL that is run once, in its own transaction.
public struct SchemaMigration: Hashable {
    /// A stable name recorded with the step, so a database whose steps were applied in another
    /// order is refused instead of silently misread.
    public var name: String
    /// One or more statements, run as a script.
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

extension SchemaMigration: Sendable {}
