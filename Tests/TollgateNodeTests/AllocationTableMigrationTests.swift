import Foundation
import Testing
import TollgateCertificates
import TollgateLedger
import TollgateNode

/// A node file written before `serial_allocations` checked its kinds by comparisons: opening it
/// keeps every allocation (row ids included), and the kinds allowed stay the same.
@Suite struct AllocationTableMigrationTests {
    static let stepName = "node-allocation-kinds-without-list"

    static func scratchPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-migration-\(UUID().uuidString).sqlite").path
    }

    @Test func allocationsOfAnOldFileAreKept() throws {
        let path = Self.scratchPath()
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let steps = NodeStore.migrations.steps
        let rebuild = try #require(steps.firstIndex { $0.name == Self.stepName })
        let rows: [(start: Int64, end: Int64, kind: String)] = [(0, 100, "delegated"), (100, 103, "licensed"), (40, 60, "returned"), (103, 104, "licensed")]
        do {
            let old = try SQLiteDatabase(path: path)
            try SchemaMigrations(Array(steps[..<rebuild])).apply(to: old)
            for (index, row) in rows.enumerated() {
                try old.execute(
                    "INSERT INTO serial_allocations (rowid, start, end, kind, holder_hash, object_hash, log_index, created_at) VALUES (?1, ?2, ?3, ?4, 'holder', ?5, ?6, 1000)",
                    [.integer(Int64(10 * index + 7)), .integer(row.start), .integer(row.end), .text(row.kind), .text("object-\(index)"), .integer(Int64(index))])
            }
        }

        let store = try NodeStore(database: SQLiteDatabase(path: path))
        #expect(try store.database.userVersion == NodeStore.migrations.latestVersion)
        let kept = try store.database.query("SELECT rowid, start, end, kind, object_hash FROM serial_allocations ORDER BY rowid").map {
            "\(try $0.int64(0)) \(try $0.int64(1))..\(try $0.int64(2)) \(try $0.text(3)) \(try $0.text(4))"
        }
        #expect(kept == ["7 0..100 delegated object-0", "17 100..103 licensed object-1", "27 40..60 returned object-2", "37 103..104 licensed object-3"])
        #expect(try store.allocations(within: SerialRange(100, 200)).map(\.seats) == [SerialRange(100, 103), SerialRange(103, 104)])
        #expect(try store.lastAllocation(within: SerialRange(0, 1000))?.seats == SerialRange(103, 104))

        // The same kinds are allowed as before, and inserting needs no temporary index any more.
        let insert = "INSERT INTO serial_allocations (start, end, kind, holder_hash, object_hash, log_index, created_at) VALUES (?1, ?2, ?3, 'h', 'o', 9, 9)"
        #expect(throws: SQLiteError.self) { try store.database.execute(insert, [.integer(200), .integer(201), .text("stolen")]) }
        try store.database.execute(insert, [.integer(200), .integer(201), .text("licensed")])
        let listing = try store.database.query("EXPLAIN " + insert, [.integer(300), .integer(301), .text("returned")]).map { try $0.text(1) }
        // The insert's own program, up to the first trigger's (the free-run triggers of a later step are programs of their own).
        let program = listing.enumerated().prefix { $0.offset == 0 || $0.element != "Init" }.map(\.element)
        #expect(program.contains("Insert") && !program.contains("OpenEphemeral"))
    }
}
