import CSQLite
import Testing
import TollgateTestSupport
@testable import TollgateLedger

@Suite struct SchemaMigrationsTests {
    static let steps = [
        SchemaMigration(name: "test.accounts", sql: "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"),
        SchemaMigration(name: "test.balance", sql: "ALTER TABLE accounts ADD COLUMN balance INTEGER NOT NULL DEFAULT 0;"),
    ]

    @Test func appliesEveryStepToAFreshDatabaseAndNothingOnReopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("node.sqlite")
        do {
            let db = try SQLiteDatabase(path: path)
            #expect(try SchemaMigrations(Self.steps).apply(to: db) == 0)
            #expect(try db.userVersion == 2)
            try db.execute("INSERT INTO accounts (name, balance) VALUES ('a', 5)")
        }
        let db = try SQLiteDatabase(path: path)
        #expect(try SchemaMigrations(Self.steps).apply(to: db) == 2)
        #expect(try db.userVersion == 2)
        #expect(try db.query("SELECT balance FROM accounts").first?.int64(0) == 5)
        #expect(try db.query("SELECT version, name FROM schema_migrations ORDER BY version").map { try $0.text(1) }
                == ["test.accounts", "test.balance"])
    }

    @Test func appliesOnlyTheNewSteps() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try SchemaMigrations(Array(Self.steps.prefix(1))).apply(to: db)
        #expect(try db.userVersion == 1)
        try db.execute("INSERT INTO accounts (name) VALUES ('a')")
        #expect(try SchemaMigrations(Self.steps).apply(to: db) == 1)
        #expect(try db.userVersion == 2)
        #expect(try db.query("SELECT balance FROM accounts").first?.int64(0) == 0)
    }

    @Test func refusesADatabaseFromANewerBuild() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("node.sqlite")
        try SchemaMigrations(Self.steps).apply(to: SQLiteDatabase(path: path))
        let older = SchemaMigrations(Array(Self.steps.prefix(1)))
        let db = try SQLiteDatabase(path: path)
        let failure = #expect(throws: SQLiteError.self) { try older.apply(to: db) }
        #expect(failure?.code == .schemaTooNew)
        #expect(try db.userVersion == 2)
    }

    @Test func refusesStepsAppliedInAnotherOrder() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try SchemaMigrations(Self.steps).apply(to: db)
        let renamed = [Self.steps[0], SchemaMigration(name: "test.other", sql: Self.steps[1].sql)]
        let failure = #expect(throws: SQLiteError.self) { try SchemaMigrations(renamed).apply(to: db) }
        #expect(failure?.code == .schemaMismatch)
    }

    @Test func aFailingStepChangesNothing() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        let broken = Self.steps + [SchemaMigration(name: "test.broken", sql: "CREATE TABLE extra (x INTEGER); CREATE TABLE accounts (y);")]
        #expect(throws: SQLiteError.self) { try SchemaMigrations(broken).apply(to: db) }
        #expect(try db.userVersion == 2)
        #expect(try db.query("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").first?.int64(0) == 0)
        // A fault in the step's commit leaves the version where it was, and a retry succeeds.
        let third = Self.steps + [SchemaMigration(name: "test.third", sql: "CREATE TABLE extra (x INTEGER);")]
        db.faultInjector = { $0.sql == "COMMIT" ? SQLITE_IOERR : nil }
        #expect(throws: SQLiteError.self) { try SchemaMigrations(third).apply(to: db) }
        db.faultInjector = nil
        #expect(try db.userVersion == 2)
        try SchemaMigrations(third).apply(to: db)
        #expect(try db.userVersion == 3)
    }

    @Test func theLedgerStepsApply() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try SchemaMigrations(LedgerSchema.steps).apply(to: db)
        let tables = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map { try $0.text(0) }
        #expect(tables == ["log_checkpoints", "log_entries", "log_nodes", "logs", "schema_migrations"])
    }
}
