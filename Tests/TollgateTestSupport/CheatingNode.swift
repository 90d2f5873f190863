import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode

/// What a cheating agent does behind its node's back: signs objects the honest code would refuse and
/// writes (or does not write) them to its log. The node tests plant these cheats in memory; the
/// end-to-end tests plant them in a node that syncs with real processes, and the audit must find them.
public struct CheatingNode {
    public let node: LicensingNode

    public init(node: LicensingNode) { self.node = node }

    /// A license under the node's first certificate, valid for it until `mutate` changes it, signed
    /// and logged at `now` unless `hidden` (then the log index it names holds something else, or
    /// nothing).
    @discardableResult
    public func forgeLicense(at now: Int64, hidden: Bool = false, _ mutate: (inout License) -> Void) throws -> LicenseFile {
        let held = try node.heldCertificates()[0]
        var license = License(iss: node.identity.keyID, cert: held.hash, seats: SerialRange(held.payload.seats.start, held.payload.seats.start + 1),
                              customer: "forged", country: held.payload.countries[0], territory: [held.payload.countries[0]],
                              product: held.payload.products.keys.sorted()[0], features: [], model: "perpetual",
                              price: Price(currency: held.payload.priceFloor.keys.sorted()[0], amount: held.payload.priceFloor.values.max() ?? 0),
                              iat: now, nbf: now, exp: nil, logIndex: try node.store.log.size, jti: UUID().uuidString)
        mutate(&license)
        let signed = try SignedLicense.sign(license, with: node.identity.key)
        if !hidden {
            _ = try node.store.log.append(kind: "license-issued", bytes: Array(signed.compact.utf8), at: now)
        }
        return LicenseFile(chain: held.chain, license: signed.compact)
    }

    /// An activation of `serial` (by default the license's first seat) signed with the node's key,
    /// logged unless `hidden`; it names `logIndex` (by default the index it is logged at) and, when
    /// given, `overUse`.
    @discardableResult
    public func forgeActivation(of file: LicenseFile, serial: UInt64? = nil, country: String, at now: Int64, hidden: Bool = false,
                                logIndex: UInt64? = nil, overUse: UInt64? = nil) throws -> SignedActivation {
        let license = try SignedLicense(compact: file.license)
        let machine = try Ed25519PrivateKey()
        let activation = Activation(iss: node.identity.keyID, license: license.hash, serial: serial ?? license.payload.seats.start,
                                    machineKey: Base64URL.encode(machine.publicKey.rawRepresentation), fingerprint: "fp-\(UUID().uuidString)",
                                    platform: "linux-x86_64", country: country, iat: now, exp: nil, kind: .standard, jti: UUID().uuidString,
                                    logIndex: try logIndex ?? node.store.log.size, overUse: overUse)
        let signed = try SignedActivation.sign(activation, with: node.identity.key)
        if !hidden {
            _ = try node.store.log.append(kind: "activation", bytes: Array(signed.compact.utf8), at: now)
        }
        return signed
    }

    /// A finding recorded in the node's log as if it had made it.
    public func recordFinding(_ finding: AuditFinding, at now: Int64) throws {
        _ = try node.store.log.append(kind: "finding-recorded", bytes: try finding.logEntry(), at: now)
    }

    /// A copy of the node in memory whose log differs at `index`: the same key, a rewritten history.
    public func fork(replacing index: UInt64, with bytes: [UInt8]) throws -> LicensingNode {
        let store = try NodeStore(database: SQLiteDatabase(path: ":memory:"))
        for entry in try node.store.log.entries(in: 0..<node.store.log.size) {
            _ = try store.log.append(kind: entry.kind, bytes: entry.index == index ? bytes : entry.bytes, at: entry.appendedAt)
        }
        return LicensingNode(identity: node.identity, store: store)
    }
}
