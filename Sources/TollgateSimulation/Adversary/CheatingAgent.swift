import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode

/// What a cheating agent does behind its honest node's back, with the node's own key and database:
/// signs objects the honest code would refuse and writes them to its log (or leaves them out).
/// It books the serials its forgeries use in its own allocation table, so its honest code does not
/// sell them again: each cheat then shows up as exactly the finding it is.
struct CheatingAgent {
    let node: LicensingNode
    let ids: IdentifierStream

    /// The lowest `count` serials of `held` nobody has, booked as used.
    func reserve(_ count: UInt64, in held: HeldCertificate, at now: Int64) throws -> SerialRange {
        let space = held.payload.seats
        var cursor = space.start
        for allocation in try node.store.allocations(within: space) {
            if allocation.seats.start >= cursor, allocation.seats.start - cursor >= count { break }
            cursor = max(cursor, allocation.seats.end)
        }
        guard cursor <= space.end, space.end - cursor >= count else {
            throw NodeError(.quotaExhausted, "no \(count) free serials left in \(space) to forge with")
        }
        let range = SerialRange(cursor, cursor + count)
        try book(range, in: held, at: now)
        return range
    }

    /// Marks `range` as sold in the node's own table (the cheater controls its database).
    func book(_ range: SerialRange, in held: HeldCertificate, at now: Int64) throws {
        try node.store.database.execute(
            "INSERT INTO serial_allocations (start, end, kind, holder_hash, object_hash, log_index, created_at) VALUES (?1, ?2, 'licensed', ?3, ?4, ?5, ?6)",
            [.integer(Int64(range.start)), .integer(Int64(range.end)), .text(held.hash), .text("forged-\(ids.make())"),
             .integer(Int64(try node.store.log.size)), .integer(now)])
    }

    /// A license under `held`, changed by `mutate`, signed and appended to the log unless `hidden`
    /// (then the log index it names will hold something else).
    func forgeLicense(under held: HeldCertificate, seats: SerialRange, at now: Int64, hidden: Bool = false,
                      _ mutate: (inout License) -> Void = { _ in }) throws -> LicenseFile {
        let certificate = held.payload
        let country = certificate.countries[0]
        let product = certificate.products.keys.sorted()[0]
        var license = License(iss: node.identity.keyID, cert: held.hash, seats: seats, customer: "cash-\(ids.make().prefix(6))",
                              country: country, territory: [country], product: product, features: certificate.products[product] ?? [],
                              model: "perpetual", price: Price(currency: certificate.priceFloor.keys.sorted()[0],
                                                               amount: (certificate.priceFloor.values.max() ?? 0) + 100),
                              iat: now, nbf: now, exp: nil, logIndex: try node.store.log.size, jti: ids.make())
        mutate(&license)
        let signed = try SignedLicense.sign(license, with: node.identity.key)
        if !hidden {
            _ = try node.store.log.append(kind: LogEntryKind.licenseIssued.rawValue, bytes: Array(signed.compact.utf8), at: now)
        }
        return LicenseFile(chain: held.chain, license: signed.compact)
    }

    /// An activation of `serial` of `file` for a machine, signed and logged, whatever the seat rules say.
    func forgeActivation(of file: LicenseFile, serial: UInt64, country: String, machine: Ed25519PublicKey, at now: Int64) throws -> SignedActivation {
        let license = try SignedLicense(compact: file.license)
        let machineKey = Base64URL.encode(machine.rawRepresentation)
        let activation = Activation(iss: node.identity.keyID, license: license.lineage, serial: serial,
                                    machineKey: machineKey, fingerprint: Base64URL.encode(SHA256Digest.hash(Array("fp:\(machineKey)".utf8))),
                                    platform: "windows-x86_64", country: country, iat: now, exp: nil, kind: .standard, jti: ids.make())
        let signed = try SignedActivation.sign(activation, with: node.identity.key)
        _ = try node.store.log.append(kind: LogEntryKind.activation.rawValue, bytes: Array(signed.compact.utf8), at: now)
        return signed
    }

    /// A lease of `serial` of floating license `lineage` for a machine, signed and logged, whoever
    /// holds the serial now.
    func forgeLease(of lineage: String, serial: UInt64, machine: Ed25519PublicKey, at now: Int64, length: Int64) throws -> SignedLease {
        let lease = Lease(iss: node.identity.keyID, license: lineage, serial: serial, machineKey: Base64URL.encode(machine.rawRepresentation),
                          nbf: now, exp: now + length, kind: .lease, jti: ids.make(), logIndex: try node.store.log.size)
        let signed = try SignedLease.sign(lease, with: node.identity.key)
        _ = try node.store.log.append(kind: LogEntryKind.leaseGranted.rawValue, bytes: Array(signed.compact.utf8), at: now)
        return signed
    }

    /// A receipt of `record` as the head of its machine's chain, signed by the node, naming the
    /// log index the record would have had: the record itself is never logged.
    func forgeUsageReceipt(for record: SignedUsageRecord, at now: Int64) throws -> SignedUsageReceipt {
        let receipt = UsageReceipt(iss: node.identity.keyID, license: record.payload.license, machineKey: record.payload.machineKey,
                                   seq: record.payload.seq, head: record.hash, logIndex: try node.store.log.size, iat: now, jti: ids.make())
        return try SignedUsageReceipt.sign(receipt, with: node.identity.key)
    }

    /// A copy of the node with the same key whose log differs at `index`: a rewritten history to
    /// show the parent. It keeps its own nonces, so its requests are not replays.
    func fork(replacing index: UInt64, with bytes: [UInt8], idSeed: UInt64) throws -> LicensingNode {
        let store = try NodeStore(database: SQLiteDatabase(path: ":memory:"), signatures: node.store.verifiedSignatures)
        let entries = try node.store.log.entries(in: 0..<node.store.log.size)
        try store.transaction {
            for entry in entries {
                _ = try store.log.append(kind: entry.kind, bytes: entry.index == index ? bytes : entry.bytes, at: entry.appendedAt)
            }
        }
        return LicensingNode(identity: node.identity, store: store, ids: IdentifierStream(seed: idSeed).source)
    }
}
