import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateWire

/// A closed site's log carried out as a file: the site exports it whole with a checkpoint it signs;
/// the issuing agent checks that checkpoint with the key its site activation bound, every entry
/// against the checkpoint's tree and every lease, release and refusal against the site's key, then
/// logs the site's leases, releases and refusals verbatim in its own log, from where they sync up
/// to the root.
struct SiteLogs: NodePart {
    let context: NodeContext
    let log: NodeLog

    /// See ``LicensingNode/exportSiteLog(at:)``.
    func export(at now: Int64) throws(NodeError) -> SiteLogExport {
        let checkpoint = try log.signCheckpoint(at: now)
        let entries = try log.entries(in: 0..<checkpoint.checkpoint.size)
        return SiteLogExport(site: Base64URL.encode(identity.key.publicKey.rawRepresentation), checkpoint: checkpoint.text,
                             entries: entries.map { APIBodies.EntryBody(index: $0.index, kind: $0.kind, bytes: Base64URL.encode($0.bytes), appendedAt: $0.appendedAt) })
    }

    /// See ``LicensingNode/ingestSiteLog(_:at:)``.
    func ingest(_ export: SiteLogExport, at now: Int64) throws(NodeError) -> Int {
        let siteKey: Ed25519PublicKey
        do {
            siteKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(export.site))
        } catch {
            throw NodeError(.invalidRequest, "the site log's site is not an Ed25519 public key")
        }
        let bindings = try storage { try store.activations() }.map(\.activation).filter { $0.payload.kind == .site && $0.payload.machineKey == export.site }
        guard !bindings.isEmpty else {
            throw NodeError(.unauthorized, "site \(siteKey.thumbprint) is bound by no site activation of this node")
        }
        let checkpoint: SignedCheckpoint
        do {
            checkpoint = try SignedCheckpoint(verifying: export.checkpoint, name: "tollgate.dev/node/\(siteKey.thumbprint)", publicKey: siteKey)
        } catch {
            throw NodeError(.invalidRequest, "the site log's checkpoint is not signed by site \(siteKey.thumbprint): \(error)")
        }
        var entries: [(kind: String, bytes: [UInt8])] = []
        for (position, entry) in export.entries.enumerated() {
            guard entry.index == UInt64(position), let bytes = try? Base64URL.decode(entry.bytes) else {
                throw NodeError(.invalidRequest, "entry \(position) of the site log is out of order or not base64url")
            }
            entries.append((entry.kind, bytes))
        }
        let tree = MerkleTree(leafHashes: entries.map { MerkleHash.leaf($0.bytes) })
        guard checkpoint.checkpoint.size == tree.size, (try? tree.rootHash()) == checkpoint.checkpoint.rootHash else {
            throw NodeError(.invalidRequest, "the site log's \(tree.size) entries are not the \(checkpoint.checkpoint.size) its checkpoint signs")
        }
        let bound = Set(bindings.map(\.hash))
        for (index, entry) in entries.enumerated() {
            try checkEntry(entry, index: index, siteKey: siteKey, bound: bound)
        }
        return try storage {
            try store.transaction {
                var taken = 0
                for (index, entry) in entries.enumerated() {
                    let hash = Base64URL.encode(MerkleHash.leaf(entry.bytes))
                    if let held = try store.importedSiteEntry(site: export.site, index: UInt64(index)) {
                        guard held == hash else {
                            throw NodeError(.logConflict, "entry \(index) of site \(siteKey.thumbprint)'s log differs from the one taken in before: the site rewrote its log")
                        }
                        continue
                    }
                    switch LogEntryKind(rawValue: entry.kind) {
                    case .leaseGranted, .leaseReleased:
                        _ = try store.log.append(kind: LogEntryKind.siteLeaseReceived.rawValue, bytes: entry.bytes, at: now)
                        taken += 1
                    case .activationRefused:
                        _ = try store.log.append(kind: LogEntryKind.siteRefusalReceived.rawValue, bytes: entry.bytes, at: now)
                        taken += 1
                    default:
                        break
                    }
                    try store.recordSiteEntry(site: export.site, index: UInt64(index), hash: hash, at: now)
                }
                return taken
            }
        }
    }

    /// A site logs its binding, its leases and their releases; each lease and release is the site's
    /// own, under a site activation this node made.
    private func checkEntry(_ entry: (kind: String, bytes: [UInt8]), index: Int, siteKey: Ed25519PublicKey, bound: Set<String>) throws(NodeError) {
        let compact = String(decoding: entry.bytes, as: UTF8.self)
        do {
            switch LogEntryKind(rawValue: entry.kind) {
            case .siteBound:
                guard bound.contains(JWS.hash(of: compact)) else {
                    throw NodeError(.invalidRequest, "entry \(index) of the site log binds the site by an activation this node did not make")
                }
            case .leaseGranted:
                let lease = try SignedLease(compact: compact)
                guard lease.jws.header.kid == siteKey.thumbprint, lease.jws.isSigned(by: siteKey), let site = lease.payload.site, bound.contains(site) else {
                    throw NodeError(.invalidRequest, "lease at entry \(index) of the site log is not signed by the site under its site activation")
                }
            case .leaseReleased:
                let release = try SignedLeaseRelease(compact: compact)
                guard release.jws.header.kid == siteKey.thumbprint, release.jws.isSigned(by: siteKey) else {
                    throw NodeError(.invalidRequest, "release at entry \(index) of the site log is not signed by the site")
                }
            case .activationRefused:
                // The site's record of a lease it refused (all seats leased), in its own name.
                let refusal = try SignedActivationRefusal(compact: compact)
                guard refusal.jws.header.kid == siteKey.thumbprint, refusal.payload.iss == siteKey.thumbprint, refusal.jws.isSigned(by: siteKey) else {
                    throw NodeError(.invalidRequest, "refusal at entry \(index) of the site log is not signed by the site")
                }
            default:
                throw NodeError(.invalidRequest, "entry \(index) of the site log is a \(entry.kind); a site logs its binding, leases, releases and refusals only")
            }
        } catch let error as VerificationError {
            throw NodeError(.invalidRequest, error)
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.invalidRequest, "entry \(index) of the site log: \(error)")
        }
    }
}
