import TollgateCertificates
import TollgateLedger

/// The node's SQLite file: its Merkle log and the tables of what it holds and handed out. Every
/// change goes through one transaction that also appends the change to the log.
public final class NodeStore {
    public let database: SQLiteDatabase
    public let log: MerkleLog
    /// Signatures checked since the store was opened (not persisted).
    public let verifiedSignatures: VerifiedSignatures
    /// Certificates parsed so far, by compact form: a node holds and delegates few and reads them often.
    private var parsedCertificates: [String: SignedCertificate] = [:]
    /// Licenses parsed when read, by compact form: activations, renewals and status read the same
    /// license again and again. Starts over when full (a few KiB each, so at most some tens of MiB).
    private var parsedLicenses: [String: SignedLicense] = [:]
    static let parsedLicenseCapacity = 8_192

    public static var migrations: SchemaMigrations { SchemaMigrations(LedgerSchema.steps + NodeSchema.steps) }

    /// Opens the store; `signatures` is the record of verified signatures it starts from (its own by
    /// default; see ``VerifiedSignatures`` for when to share one).
    public init(database: SQLiteDatabase, signatures: VerifiedSignatures = VerifiedSignatures()) throws {
        try Self.migrations.apply(to: database)
        self.database = database
        self.verifiedSignatures = signatures
        self.log = try MerkleLog(database: database, name: "node")
    }

    /// The certificate `compact`, parsed once.
    func certificate(compact: String) throws -> SignedCertificate {
        if let parsed = parsedCertificates[compact] { return parsed }
        let parsed = try SignedCertificate(compact: compact)
        parsedCertificates[compact] = parsed
        return parsed
    }

    /// The license `compact`, parsed once while it is read often.
    func license(compact: String) throws -> SignedLicense {
        if let parsed = parsedLicenses[compact] { return parsed }
        let parsed = try SignedLicense(compact: compact)
        if parsedLicenses.count >= Self.parsedLicenseCapacity { parsedLicenses.removeAll(keepingCapacity: true) }
        parsedLicenses[compact] = parsed
        return parsed
    }

    /// Runs `body` as one transaction: one fsync for everything it writes.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try database.transaction(body)
    }

    // MARK: Held certificates

    public func heldCertificates() throws -> [HeldCertificate] {
        try database.query("SELECT chain FROM held_certificates ORDER BY received_at, hash").map { row in
            let chain = try CertificateChain.decodeChainText(row.text(0))
            return HeldCertificate(chain: chain, certificate: try certificate(compact: chain[chain.count - 1]))
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

    /// An allocation that shares a serial with `range`, if any. Allocations never overlap each other
    /// (every insert is checked first), so only the one starting last before `range.end` can reach
    /// into `range`: one index probe instead of a scan.
    public func overlappingAllocation(_ range: SerialRange) throws -> SerialAllocation? {
        try database.query(
            "SELECT start, end, kind, holder_hash, object_hash FROM serial_allocations WHERE start < ?1 ORDER BY start DESC LIMIT 1",
            [.integer(Int64(range.end))]).first.map(Self.allocation).flatMap { $0.seats.end > range.start ? $0 : nil }
    }

    /// The allocation with the highest start inside `range`: since allocations never overlap, its
    /// end is the frontier past which `range` is untouched.
    public func lastAllocation(within range: SerialRange) throws -> SerialAllocation? {
        try database.query(
            "SELECT start, end, kind, holder_hash, object_hash FROM serial_allocations WHERE start >= ?1 AND start < ?2 ORDER BY start DESC LIMIT 1",
            [.integer(Int64(range.start)), .integer(Int64(range.end))]).first.map(Self.allocation)
    }

    /// Allocations inside `range`, by start.
    public func allocations(within range: SerialRange) throws -> [SerialAllocation] {
        try database.query(
            "SELECT start, end, kind, holder_hash, object_hash FROM serial_allocations WHERE start < ?2 AND end > ?1 ORDER BY start",
            [.integer(Int64(range.start)), .integer(Int64(range.end))]).map(Self.allocation)
    }

    /// The free run of held certificate `holder` that starts last: when it ends where the
    /// certificate does, its start is the frontier past which the certificate is untouched.
    func lastFreeRun(of holder: String) throws -> SerialRange? {
        try database.query("SELECT start, end FROM serial_free_runs WHERE holder_hash = ?1 ORDER BY start DESC LIMIT 1",
                           [.text(holder)]).first.map { SerialRange(try $0.uint64(0), try $0.uint64(1)) }
    }

    /// The first `limit` free runs of held certificate `holder` that hold `count` serials, by start.
    public func freeRuns(of holder: String, holding count: UInt64 = 1, limit: Int = .max) throws -> [SerialRange] {
        try database.query(
            "SELECT start, end FROM serial_free_runs WHERE holder_hash = ?1 AND end - start >= ?2 ORDER BY start LIMIT ?3",
            [.text(holder), .integer(Int64(clamping: count)), .integer(Int64(limit))]).map { SerialRange(try $0.uint64(0), try $0.uint64(1)) }
    }

    /// The next `limit` held certificates, in the order sales try them (oldest first), that have a
    /// free run of `count` serials, after the one `after` names (its `received_at` and hash). Used-up
    /// certificates have no runs, so they cost nothing here.
    func certificatesWithRoom(for count: UInt64, after: (receivedAt: Int64, hash: String)?,
                              limit: Int) throws -> [(receivedAt: Int64, hash: String)] {
        try database.query(
            """
            SELECT DISTINCT received_at, holder_hash FROM serial_free_runs
            WHERE end - start >= ?1 AND (received_at, holder_hash) > (?2, ?3) ORDER BY received_at, holder_hash LIMIT ?4
            """,
            [.integer(Int64(clamping: count)), .integer(after?.receivedAt ?? .min), .text(after?.hash ?? ""), .integer(Int64(limit))]
        ).map { (try $0.int64(0), try $0.text(1)) }
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
            """
            INSERT INTO licenses (log_index, hash, jti, certificate_hash, customer, renews, issued_at, expires_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """,
            [.integer(Int64(logIndex)), .text(license.hash), .text(license.payload.jti), .text(license.payload.cert),
             .text(license.payload.customer), license.payload.renews.map { .text($0) } ?? .null,
             .integer(license.payload.iat), license.payload.exp.map { .integer($0) } ?? .null])
        try insertLifecycle(license, logIndex: logIndex)
    }

    /// The license with this hash, or the latest renewal of the lineage it belongs to.
    public func currentLicense(hash: String) throws -> SignedLicense? {
        guard let lineage = try lineage(of: hash) else { return nil }
        return try currentLicense(lineage: lineage)
    }

    /// The latest license of the lineage whose first license is `lineage`.
    func currentLicense(lineage: String) throws -> SignedLicense? {
        let rows = try database.query(
            """
            SELECT e.bytes FROM (
                SELECT log_index, issued_at FROM licenses WHERE hash = ?1 AND renews IS NULL
                UNION ALL
                SELECT log_index, issued_at FROM licenses WHERE renews = ?1
                ORDER BY issued_at DESC, log_index DESC LIMIT 1
            ) AS latest JOIN log_entries e ON e.log_id = ?2 AND e.leaf_index = latest.log_index
            """, [.text(lineage), .integer(log.id)])
        return try rows.first.map { try license(row: $0) }
    }

    public func license(hash: String) throws -> SignedLicense? {
        try database.query(
            """
            SELECT e.bytes FROM licenses l JOIN log_entries e ON e.log_id = ?2 AND e.leaf_index = l.log_index WHERE l.hash = ?1
            """, [.text(hash), .integer(log.id)]).first.map { try license(row: $0) }
    }

    /// The first license of the lineage `hash` belongs to (itself if it is not a renewal).
    func lineage(of hash: String) throws -> String? {
        try database.query("SELECT coalesce(renews, hash) FROM licenses WHERE hash = ?1", [.text(hash)]).first?.text(0)
    }

    /// A license from the bytes of its log entry, which hold its compact form.
    private func license(row: SQLiteRow) throws -> SignedLicense {
        try license(compact: String(decoding: row.blob(0), as: UTF8.self))
    }

    // MARK: Activations

    func insertActivation(_ activation: SignedActivation, lineage: String, logIndex: UInt64) throws {
        try database.execute(
            """
            INSERT INTO activations (hash, lineage, serial, machine_key, kind, replaces, compact, log_index, activated_at, expires_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """,
            [.text(activation.hash), .text(lineage), .integer(Int64(activation.payload.serial)), .text(activation.payload.machineKey),
             .text(activation.payload.kind.rawValue), activation.payload.replaces.map { .text($0) } ?? .null,
             .text(activation.compact), .integer(Int64(logIndex)), .integer(activation.payload.iat),
             activation.payload.exp.map { .integer($0) } ?? .null])
    }

    /// Activations of a lineage that have not ended and have not expired at `now`.
    public func activeActivations(lineage: String, at now: Int64) throws -> [SignedActivation] {
        try database.query(
            """
            SELECT compact FROM activations WHERE lineage = ?1 AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)
            ORDER BY serial, log_index
            """, [.text(lineage), .integer(now)]).map { try SignedActivation(compact: $0.text(0)) }
    }

    /// How many emergency (temporary stand-in) activations of a lineage were made after `since`.
    func emergencyCount(lineage: String, since: Int64) throws -> Int {
        let rows = try database.query(
            "SELECT count(*) FROM activations WHERE lineage = ?1 AND kind = 'temporary' AND replaces IS NOT NULL AND activated_at > ?2",
            [.text(lineage), .integer(since)])
        return Int(try rows.first?.int64(0) ?? 0)
    }

    public func activation(hash: String) throws -> (activation: SignedActivation, endedAt: Int64?)? {
        try database.query("SELECT compact, ended_at FROM activations WHERE hash = ?1", [.text(hash)]).first.map {
            (try SignedActivation(compact: $0.text(0)), try $0.isNull(1) ? nil : try $0.int64(1))
        }
    }

    func endActivation(hash: String, at now: Int64) throws {
        try database.execute("UPDATE activations SET ended_at = ?2 WHERE hash = ?1 AND ended_at IS NULL", [.text(hash), .integer(now)])
    }

    public func activations() throws -> [(activation: SignedActivation, endedAt: Int64?)] {
        try database.query("SELECT compact, ended_at FROM activations ORDER BY log_index").map {
            (try SignedActivation(compact: $0.text(0)), try $0.isNull(1) ? nil : try $0.int64(1))
        }
    }

    /// Records a machine request's nonce; false when it was seen before (a replay).
    func recordNonce(_ nonce: String, machineKey: String, at now: Int64) throws -> Bool {
        try database.execute("INSERT OR IGNORE INTO machine_nonces (nonce, machine_key, seen_at) VALUES (?1, ?2, ?3)",
                             [.text(nonce), .text(machineKey), .integer(now)])
        return database.changes == 1
    }

    // MARK: Revocations and returns

    /// Keeps a revocation of a certificate or of a license lineage (parsing made sure it names exactly one).
    func insertRevocation(_ revocation: SignedRevocation, logIndex: UInt64) throws {
        let (table, column, target) = revocation.payload.license.map { ("license_revocations", "lineage", $0) }
            ?? ("revocations", "certificate_hash", revocation.payload.cert!)
        try database.execute(
            "INSERT OR IGNORE INTO \(table) (hash, \(column), effective, compact, log_index) VALUES (?1, ?2, ?3, ?4, ?5)",
            [.text(revocation.hash), .text(target), .integer(revocation.payload.effective),
             .text(revocation.compact), .integer(Int64(logIndex))])
    }

    /// Revocations of any of the certificates `hashes`.
    public func revocations(of hashes: [String]) throws -> [SignedRevocation] {
        var found: [SignedRevocation] = []
        for hash in hashes {
            found += try database.query("SELECT compact FROM revocations WHERE certificate_hash = ?1", [.text(hash)])
                .map { try SignedRevocation(compact: $0.text(0)) }
        }
        return found
    }

    /// Revocations of the license lineage whose first license is `lineage`, in log order.
    public func licenseRevocations(lineage: String) throws -> [SignedRevocation] {
        try database.query("SELECT compact FROM license_revocations WHERE lineage = ?1 ORDER BY log_index", [.text(lineage)])
            .map { try SignedRevocation(compact: $0.text(0)) }
    }

    /// Every revocation this node holds, of certificates and of licenses, in log order.
    public func revocations() throws -> [SignedRevocation] {
        try database.query("SELECT compact, log_index FROM revocations UNION ALL SELECT compact, log_index FROM license_revocations ORDER BY log_index")
            .map { try SignedRevocation(compact: $0.text(0)) }
    }

    func hasRevocation(hash: String) throws -> Bool {
        try !database.query("SELECT 1 FROM revocations WHERE hash = ?1 UNION ALL SELECT 1 FROM license_revocations WHERE hash = ?1",
                            [.text(hash)]).isEmpty
    }

    /// The licenses (first ones and renewals) in the logs this node mirrors for its descendants,
    /// each signed by the descendant whose log holds it (checked when the log was pushed). Read
    /// whole: an operator's revocation of a descendant's license looks the license up here.
    public func mirroredLicenses() throws -> [SignedLicense] {
        try database.query(
            """
            SELECT e.bytes FROM log_entries e JOIN logs l ON l.id = e.log_id
            WHERE l.name LIKE 'mirror:%' AND (e.kind = ?1 OR e.kind = ?2 OR e.kind = ?3) ORDER BY e.log_id, e.leaf_index
            """, [.text(LogEntryKind.licenseIssued.rawValue), .text(LogEntryKind.licenseRenewed.rawValue), .text(LogEntryKind.licenseChanged.rawValue)])
            .compactMap { try? SignedLicense(compact: String(decoding: try $0.blob(0), as: UTF8.self)) }
    }

    func insertReturn(_ quotaReturn: SignedQuotaReturn, direction: String, logIndex: UInt64) throws {
        try database.execute(
            "INSERT INTO quota_returns (hash, certificate_hash, start, end, direction, compact, log_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            [.text(quotaReturn.hash), .text(quotaReturn.payload.cert), .integer(Int64(quotaReturn.payload.seats.start)),
             .integer(Int64(quotaReturn.payload.seats.end)), .text(direction), .text(quotaReturn.compact), .integer(Int64(logIndex))])
    }

    func hasReturn(hash: String) throws -> Bool {
        try !database.query("SELECT 1 FROM quota_returns WHERE hash = ?1", [.text(hash)]).isEmpty
    }

    public func quotaReturns() throws -> [(quotaReturn: SignedQuotaReturn, direction: String)] {
        try database.query("SELECT compact, direction FROM quota_returns ORDER BY log_index").map {
            (try SignedQuotaReturn(compact: $0.text(0)), try $0.text(1))
        }
    }

    /// Frees `range` inside the delegated allocation of certificate `objectHash`, splitting the row.
    func releaseDelegated(_ range: SerialRange, objectHash: String) throws {
        let rows = try database.query(
            "SELECT start, end, holder_hash, log_index, created_at FROM serial_allocations WHERE object_hash = ?1 AND kind = 'delegated' AND start <= ?2 AND end >= ?3",
            [.text(objectHash), .integer(Int64(range.start)), .integer(Int64(range.end))])
        guard let row = rows.first else { throw NodeError(.notFound, "no delegated allocation of that certificate covers \(range)") }
        let start = try row.uint64(0), end = try row.uint64(1)
        try database.execute("DELETE FROM serial_allocations WHERE object_hash = ?1 AND kind = 'delegated' AND start = ?2",
                             [.text(objectHash), .integer(Int64(start))])
        for piece in [SerialRange(start, range.start), SerialRange(range.end, end)] where piece.start < piece.end {
            try database.execute(
                "INSERT INTO serial_allocations (start, end, kind, holder_hash, object_hash, log_index, created_at) VALUES (?1, ?2, 'delegated', ?3, ?4, ?5, ?6)",
                [.integer(Int64(piece.start)), .integer(Int64(piece.end)), .text(try row.text(2)), .text(objectHash),
                 .integer(try row.int64(3)), .integer(try row.int64(4))])
        }
    }

    public func delegation(hash: String) throws -> SignedCertificate? {
        try database.query("SELECT compact FROM delegations WHERE hash = ?1", [.text(hash)]).first.map { try certificate(compact: $0.text(0)) }
    }

    /// Every license this node issued, in log order. A license that no longer parses under the
    /// object limits (signed before they were checked at signing) is left out here: one bad object
    /// must not make the whole list fail; the audit reports it as an invalid object.
    public func licenses() throws -> [SignedLicense] {
        try database.query(
            "SELECT e.bytes FROM licenses l JOIN log_entries e ON e.log_id = ?1 AND e.leaf_index = l.log_index ORDER BY l.log_index",
            [.integer(log.id)]).compactMap { try? SignedLicense(compact: String(decoding: try $0.blob(0), as: UTF8.self)) }
    }

    public func delegations() throws -> [SignedCertificate] {
        try database.query("SELECT compact FROM delegations ORDER BY log_index").map { try certificate(compact: $0.text(0)) }
    }
}
