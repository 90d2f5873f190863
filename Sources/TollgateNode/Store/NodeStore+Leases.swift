import Foundation
import TollgateCertificates

/// Leases of floating seats and a site's bindings to the licenses it serves.
extension NodeStore {
    /// A lease as stored: the signed lease and when it ended early (released or replaced), if it did.
    public struct StoredLease: Sendable, Hashable {
        public let lease: SignedLease
        public let endedAt: Int64?
    }

    func insertLease(_ lease: SignedLease, lineage: String, logIndex: UInt64) throws {
        try database.execute(
            """
            INSERT INTO leases (hash, lineage, serial, machine_key, kind, compact, log_index, nbf, exp)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """,
            [.text(lease.hash), .text(lineage), .integer(Int64(lease.payload.serial)), .text(lease.payload.machineKey),
             .text(lease.payload.kind.rawValue), .text(lease.compact), .integer(Int64(logIndex)), .integer(lease.payload.nbf),
             .integer(lease.payload.exp)])
    }

    /// Leases of a lineage in force at `now`: not ended early and not expired.
    /// The lease in force that `machineKey` holds of `lineage` at `now`, if any: one indexed row, so
    /// a grant does not read every lease of a license with many seats.
    func liveLease(lineage: String, machineKey: String, at now: Int64) throws -> SignedLease? {
        try database.query(
            "SELECT compact FROM leases WHERE lineage = ?1 AND machine_key = ?2 AND ended_at IS NULL AND exp > ?3 ORDER BY log_index DESC LIMIT 1",
            [.text(lineage), .text(machineKey), .integer(now)]).first.map { try SignedLease(compact: $0.text(0)) }
    }

    /// The lease in force on serial `serial` of `lineage` at `now`, if any.
    func liveLease(lineage: String, serial: UInt64, at now: Int64) throws -> SignedLease? {
        try database.query(
            "SELECT compact FROM leases WHERE lineage = ?1 AND serial = ?2 AND ended_at IS NULL AND exp > ?3 ORDER BY log_index DESC LIMIT 1",
            [.text(lineage), .integer(Int64(serial)), .integer(now)]).first.map { try SignedLease(compact: $0.text(0)) }
    }

    /// The serials of `lineage` leased at `now`, ascending, each with its lease's end: plain
    /// columns, no signed object read.
    func liveLeaseSerials(lineage: String, at now: Int64) throws -> [(serial: UInt64, exp: Int64)] {
        try database.query("SELECT serial, exp FROM leases WHERE lineage = ?1 AND ended_at IS NULL AND exp > ?2 ORDER BY serial",
                           [.text(lineage), .integer(now)]).map { (UInt64(try $0.int64(0)), try $0.int64(1)) }
    }

    public func liveLeases(lineage: String, at now: Int64) throws -> [SignedLease] {
        try database.query(
            "SELECT compact FROM leases WHERE lineage = ?1 AND ended_at IS NULL AND exp > ?2 ORDER BY serial, log_index",
            [.text(lineage), .integer(now)]).map { try SignedLease(compact: $0.text(0)) }
    }

    public func lease(hash: String) throws -> StoredLease? {
        try database.query("SELECT compact, ended_at FROM leases WHERE hash = ?1", [.text(hash)]).first.map {
            StoredLease(lease: try SignedLease(compact: $0.text(0)), endedAt: try $0.isNull(1) ? nil : try $0.int64(1))
        }
    }

    func endLease(hash: String, at now: Int64) throws {
        try database.execute("UPDATE leases SET ended_at = ?2 WHERE hash = ?1 AND ended_at IS NULL", [.text(hash), .integer(now)])
    }

    /// Every lease this node signed, in log order.
    public func leases() throws -> [StoredLease] {
        try database.query("SELECT compact, ended_at FROM leases ORDER BY log_index").map {
            StoredLease(lease: try SignedLease(compact: $0.text(0)), endedAt: try $0.isNull(1) ? nil : try $0.int64(1))
        }
    }

    func insertSiteBinding(lineage: String, file: LicenseFile, activation: SignedActivation, logIndex: UInt64, at now: Int64) throws {
        try database.execute(
            "INSERT INTO site_bindings (lineage, license_file, activation, log_index, bound_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            [.text(lineage), .text(String(decoding: try file.encoded(), as: UTF8.self)), .text(activation.compact),
             .integer(Int64(logIndex)), .integer(now)])
    }

    /// The license file and site activation a site serves `lineage` under, if it is bound to it.
    public func siteBinding(lineage: String) throws -> (file: LicenseFile, activation: SignedActivation)? {
        try database.query("SELECT license_file, activation FROM site_bindings WHERE lineage = ?1", [.text(lineage)]).first.map {
            (try LicenseFile(data: Data($0.text(0).utf8)), try SignedActivation(compact: $0.text(1)))
        }
    }

    /// Every license a site is bound to.
    public func siteBindings() throws -> [(file: LicenseFile, activation: SignedActivation)] {
        try database.query("SELECT license_file, activation FROM site_bindings ORDER BY log_index").map {
            (try LicenseFile(data: Data($0.text(0).utf8)), try SignedActivation(compact: $0.text(1)))
        }
    }

    /// The hash of entry `index` of `site`'s log as imported, if it was.
    func importedSiteEntry(site: String, index: UInt64) throws -> String? {
        try database.query("SELECT hash FROM site_imports WHERE site_key = ?1 AND leaf_index = ?2", [.text(site), .integer(Int64(index))])
            .first.map { try $0.text(0) }
    }

    func recordSiteEntry(site: String, index: UInt64, hash: String, at now: Int64) throws {
        try database.execute("INSERT INTO site_imports (site_key, leaf_index, hash, imported_at) VALUES (?1, ?2, ?3, ?4)",
                             [.text(site), .integer(Int64(index)), .text(hash), .integer(now)])
    }

    /// When each site's log was last taken in, by site key.
    public func siteImportTimes() throws -> [String: Int64] {
        var times: [String: Int64] = [:]
        for row in try database.query("SELECT site_key, max(imported_at) FROM site_imports GROUP BY site_key") {
            times[try row.text(0)] = try row.int64(1)
        }
        return times
    }
}
