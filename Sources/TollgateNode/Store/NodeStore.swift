import TollgateCertificates
import TollgateLedger

/// The node's SQLite file: its Merkle log and the tables of what it holds and handed out. Every
/// change goes through one transaction that also appends the change to the log.
public final class NodeStore {
    public let database: SQLiteDatabase
    public let log: MerkleLog

    public static var migrations: SchemaMigrations { SchemaMigrations(LedgerSchema.steps + NodeSchema.steps) }

    public init(database: SQLiteDatabase) throws {
        try Self.migrations.apply(to: database)
        self.database = database
        self.log = try MerkleLog(database: database, name: "node")
    }

    /// Runs `body` as one transaction: one fsync for everything it writes.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try database.transaction(body)
    }

    // MARK: Held certificates

    public func heldCertificates() throws -> [HeldCertificate] {
        try database.query("SELECT chain FROM held_certificates ORDER BY received_at, hash").map { row in
            let chain = try CertificateChain.decodeChainText(row.text(0))
            return HeldCertificate(chain: chain, certificate: try SignedCertificate(compact: chain[chain.count - 1]))
        }
    }

    func insertHeld(_ held: HeldCertificate, logIndex: UInt64, at now: Int64) throws {
        try database.execute(
            "INSERT INTO held_certificates (hash, subject, chain, seats_start, seats_end, received_at, log_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            [.text(held.hash), .text(held.payload.sub), .text(CertificateChain.encodeChainText(held.chain)),
             .integer(Int64(held.payload.seats.start)), .integer(Int64(held.payload.seats.end)), .integer(now), .integer(Int64(logIndex))])
    }

    func isHeld(hash: String) throws -> Bool {
        try !database.query("SELECT 1 FROM held_certificates WHERE hash = ?1", [.text(hash)]).isEmpty
    }

    // MARK: Serials

    /// The first allocation that shares a serial with `range`, if any.
    public func overlappingAllocation(_ range: SerialRange) throws -> SerialAllocation? {
        try database.query(
            "SELECT start, end, kind, holder_hash, object_hash FROM serial_allocations WHERE start < ?2 AND end > ?1 ORDER BY start LIMIT 1",
            [.integer(Int64(range.start)), .integer(Int64(range.end))]).first.map(Self.allocation)
    }

    /// Allocations inside `range`, by start.
    public func allocations(within range: SerialRange) throws -> [SerialAllocation] {
        try database.query(
            "SELECT start, end, kind, holder_hash, object_hash FROM serial_allocations WHERE start < ?2 AND end > ?1 ORDER BY start",
            [.integer(Int64(range.start)), .integer(Int64(range.end))]).map(Self.allocation)
    }

    private static func allocation(_ row: SQLiteRow) throws -> SerialAllocation {
        SerialAllocation(seats: SerialRange(try row.uint64(0), try row.uint64(1)),
                         kind: SerialAllocation.Kind(rawValue: try row.text(2)) ?? .licensed,
                         holderHash: try row.text(3), objectHash: try row.text(4))
    }

    func insertAllocation(_ allocation: SerialAllocation, logIndex: UInt64, at now: Int64) throws {
        try database.execute(
            "INSERT INTO serial_allocations (start, end, kind, holder_hash, object_hash, log_index, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            [.integer(Int64(allocation.seats.start)), .integer(Int64(allocation.seats.end)), .text(allocation.kind.rawValue),
             .text(allocation.holderHash), .text(allocation.objectHash), .integer(Int64(logIndex)), .integer(now)])
    }

    // MARK: Delegations and licenses

    func insertDelegation(_ certificate: SignedCertificate, logIndex: UInt64, at now: Int64) throws {
        try database.execute(
            "INSERT INTO delegations (hash, subject, parent_hash, compact, log_index, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            [.text(certificate.hash), .text(certificate.payload.sub), certificate.payload.parent.map { .text($0) } ?? .null,
             .text(certificate.compact), .integer(Int64(logIndex)), .integer(now)])
    }

    func insertLicense(_ license: SignedLicense, logIndex: UInt64) throws {
        try database.execute(
            "INSERT INTO licenses (hash, jti, certificate_hash, customer, compact, log_index, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            [.text(license.hash), .text(license.payload.jti), .text(license.payload.cert), .text(license.payload.customer),
             .text(license.compact), .integer(Int64(logIndex)), .integer(license.payload.iat)])
    }

    public func licenses() throws -> [SignedLicense] {
        try database.query("SELECT compact FROM licenses ORDER BY log_index").map { try SignedLicense(compact: $0.text(0)) }
    }

    public func delegations() throws -> [SignedCertificate] {
        try database.query("SELECT compact FROM delegations ORDER BY log_index").map { try SignedCertificate(compact: $0.text(0)) }
    }
}
