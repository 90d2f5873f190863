/// An ordered list of schema steps; step `n` (from 1) brings a database to version `n`.
///
/// The version is kept in `PRAGMA user_version`, and each applied step's name in the table
/// `schema_migrations`. The application owns one list for its whole file, e.g.
/// `LedgerSchema.steps + nodeSteps`; steps are only ever appended to it, never reordered or edited.
public struct SchemaMigrations: Hashable {
    public var steps: [SchemaMigration]

    public init(_ steps: [SchemaMigration]) {
        self.steps = steps
    }

    /// The version a database has once every step is applied.
    public var latestVersion: Int64 { Int64(steps.count) }

    /// Applies the steps `db` lacks, each in its own transaction, and returns the version it was at.
    ///
    /// Refuses a database written by a newer build (`.schemaTooNew`) and one whose applied steps are
    /// not this list's first steps (`.schemaMismatch`), before changing anything.
    @discardableResult
    public func apply(to db: SQLiteDatabase) throws -> Int64 {
        let current = try db.userVersion
        guard current <= latestVersion else {
            throw SQLiteError(.schemaTooNew, "the database is at schema version \(current), newer than the \(latestVersion) this build knows; run a newer Tollgate on it")
        }
        // Created only when missing, so a store that is up to date opens without writing (read-only too).
        let hasTable = try db.query("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").first?.int64(0) == 1
        if !hasTable {
            try db.transaction {
                try db.executeScript("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL
                    ) STRICT;
                    """)
            }
        }
        let recorded = try db.query("SELECT version, name FROM schema_migrations ORDER BY version")
        guard recorded.count == Int(current) else {
            throw SQLiteError(.schemaMismatch, "user_version is \(current) but \(recorded.count) steps are recorded in schema_migrations")
        }
        for (offset, row) in recorded.enumerated() {
            let version = try row.int64(0)
            let name = try row.text(1)
            guard version == Int64(offset + 1), name == steps[offset].name else {
                throw SQLiteError(.schemaMismatch, "schema step \(version) applied to this database is '\(name)', but this build's step \(offset + 1) is '\(steps[offset].name)'")
            }
        }
        for index in Int(current)..<steps.count {
            let step = steps[index]
            let version = Int64(index + 1)
            try db.transaction {
                try db.executeScript(step.sql)
                try db.execute("INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)", [.integer(version), .text(step.name)])
                // user_version lives in the file header and changes in the same transaction as the step.
                try db.executeScript("PRAGMA user_version = \(version)")
            }
        }
        return current
    }
}

extension SchemaMigrations: Sendable {}
