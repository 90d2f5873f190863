import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode

/// A node file written before `licenses` was rebuilt in log order: opening it with this build
/// keeps every license, found by hash and by lineage, with renewals resolving to the latest.
@Suite struct LicenseTableMigrationTests {
    static let stepName = "node-licenses-by-log-index"

    /// The schema as it was before the rebuild: every step up to the one that rebuilds `licenses`.
    static func schemaBeforeRebuild() throws -> SchemaMigrations {
        let steps = NodeStore.migrations.steps
        let rebuild = try #require(steps.firstIndex { $0.name == stepName })
        return SchemaMigrations(Array(steps[..<rebuild]))
    }

    /// A license and two renewals of it, and a perpetual license, logged and stored as the old
    /// schema stored them (lineage spelled out, compact copied); `tamper` changes one stored copy.
    static func writeOldFile(at path: String, key: Ed25519PrivateKey, tamper: Bool = false) throws -> [SignedLicense] {
        let database = try SQLiteDatabase(path: path)
        try schemaBeforeRebuild().apply(to: database)
        let log = try MerkleLog(database: database, name: "node")
        _ = try log.append(kind: "certificate-received", bytes: Array("a certificate".utf8), at: 1_000)
        func license(_ customer: String, model: String, iat: Int64, exp: Int64?, renews: String?) throws -> SignedLicense {
            let payload = License(iss: key.publicKey.thumbprint, cert: "held-certificate", seats: SerialRange(10, 12), customer: customer,
                                  country: "DE", territory: ["DE"], product: "cad", features: ["export"], model: model,
                                  price: Price(currency: "EUR", amount: 1_500), iat: iat, nbf: iat, exp: exp,
                                  logIndex: try log.size, jti: "jti-\(customer)-\(iat)", renews: renews)
            let signed = try SignedLicense.sign(payload, with: key)
            try database.transaction {
                let index = try log.append(kind: renews == nil ? "license-issued" : "license-renewed", bytes: Array(signed.compact.utf8), at: iat)
                let stored = tamper && renews != nil ? signed.compact + "x" : signed.compact
                try database.execute(
                    """
                    INSERT INTO licenses (hash, jti, certificate_hash, customer, lineage, compact, log_index, issued_at, expires_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                    """,
                    [.text(signed.hash), .text(payload.jti), .text(payload.cert), .text(payload.customer), .text(renews ?? signed.hash),
                     .text(stored), .integer(Int64(index)), .integer(payload.iat), payload.exp.map { .integer($0) } ?? .null])
            }
            return signed
        }
        let first = try license("acme", model: "subscription", iat: 2_000, exp: 3_000, renews: nil)
        let perpetual = try license("globex", model: "perpetual", iat: 2_100, exp: nil, renews: nil)
        let renewal = try license("acme", model: "subscription", iat: 2_900, exp: 4_000, renews: first.hash)
        let latest = try license("acme", model: "subscription", iat: 3_900, exp: 5_000, renews: first.hash)
        return [first, perpetual, renewal, latest]
    }

    static func scratchPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-migration-\(UUID().uuidString).sqlite").path
    }

    @Test func licensesOfAnOldFileStayReadableByHashAndLineage() throws {
        let path = Self.scratchPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = try Self.writeOldFile(at: path, key: try Ed25519PrivateKey())
        let (first, perpetual, renewal, latest) = (written[0], written[1], written[2], written[3])

        let store = try NodeStore(database: SQLiteDatabase(path: path))
        #expect(try store.database.userVersion == NodeStore.migrations.latestVersion)
        #expect(try store.licenses().map(\.compact) == written.map(\.compact))
        for license in written {
            #expect(try store.license(hash: license.hash)?.compact == license.compact)
        }
        for member in [first, renewal, latest] {
            #expect(try store.currentLicense(hash: member.hash)?.compact == latest.compact)
        }
        #expect(try store.currentLicense(hash: perpetual.hash)?.compact == perpetual.compact)
        #expect(try store.license(hash: "unknown") == nil)
        #expect(try store.currentLicense(hash: "unknown") == nil)
        #expect(try store.log.size == 5)
        let renewals = try store.database.query("SELECT hash FROM licenses WHERE renews IS NOT NULL ORDER BY log_index").map { try $0.text(0) }
        #expect(renewals == [renewal.hash, latest.hash])
    }

    @Test func aStoredCopyThatDiffersFromItsLogEntryStopsTheMigration() throws {
        let path = Self.scratchPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Self.writeOldFile(at: path, key: try Ed25519PrivateKey(), tamper: true)
        #expect(throws: (any Error).self) { try NodeStore(database: SQLiteDatabase(path: path)) }
        // Nothing changed: the old table, with its copies, is still there.
        let database = try SQLiteDatabase(path: path)
        #expect(try database.userVersion == Self.schemaBeforeRebuild().latestVersion)
        #expect(try database.query("SELECT count(compact) FROM licenses").first?.int64(0) == 4)
    }
}
