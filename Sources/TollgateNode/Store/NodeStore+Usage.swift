import TollgateCertificates
import TollgateLedger

extension NodeStore {
    /// A usage record the node logged: where, and whether as a chain link or as a fork's evidence.
    struct LoggedUsage {
        var hash: String
        var seq: UInt64
        var logIndex: UInt64
        var forked: Bool
    }

    /// The record with this hash, if logged.
    func usageRecord(hash: String) throws -> LoggedUsage? {
        try database.query("SELECT hash, seq, log_index, forked FROM usage_records WHERE hash = ?1", [.text(hash)]).first.map(Self.loggedUsage)
    }

    /// The chain link at `seq` of `machineKey`'s chain for `lineage`.
    func usageLink(lineage: String, machineKey: String, seq: UInt64) throws -> LoggedUsage? {
        try database.query(
            "SELECT hash, seq, log_index, forked FROM usage_records WHERE lineage = ?1 AND machine_key = ?2 AND seq = ?3 AND forked = 0",
            [.text(lineage), .text(machineKey), .integer(Int64(seq))]).first.map(Self.loggedUsage)
    }

    /// The head (highest link) of `machineKey`'s chain for `lineage`; nil before its first record.
    func usageHead(lineage: String, machineKey: String) throws -> LoggedUsage? {
        try database.query(
            "SELECT hash, seq, log_index, forked FROM usage_records WHERE lineage = ?1 AND machine_key = ?2 AND forked = 0 ORDER BY seq DESC LIMIT 1",
            [.text(lineage), .text(machineKey)]).first.map(Self.loggedUsage)
    }

    func insertUsageRecord(_ record: SignedUsageRecord, lineage: String, forked: Bool, logIndex: UInt64) throws {
        try database.execute(
            "INSERT INTO usage_records (hash, lineage, machine_key, seq, prev, forked, log_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            [.text(record.hash), .text(lineage), .text(record.payload.machineKey), .integer(Int64(record.payload.seq)),
             .text(record.payload.prev), .integer(forked ? 1 : 0), .integer(Int64(logIndex))])
    }

    /// Every activation of `lineage` bound to `machineKey`, ended or not: any of them starts its chain.
    func activations(lineage: String, machineKey: String) throws -> [SignedActivation] {
        try database.query("SELECT compact FROM activations WHERE lineage = ?1 AND machine_key = ?2 ORDER BY log_index",
                           [.text(lineage), .text(machineKey)]).map { try SignedActivation(compact: $0.text(0)) }
    }

    private static func loggedUsage(_ row: SQLiteRow) throws -> LoggedUsage {
        LoggedUsage(hash: try row.text(0), seq: try row.uint64(1), logIndex: try row.uint64(2), forked: try row.int64(3) == 1)
    }
}
