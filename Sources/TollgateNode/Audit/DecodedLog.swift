import Dispatch
import Synchronization
import TollgateCertificates
import TollgateLedger

/// The signed objects of the first ``size`` entries of one log, decoded, with the log's Merkle
/// root at that size: what the reports and the console read of a log, kept by ``DecodedLogs`` so a
/// request decodes only the entries appended since the last one. Entries that do not decode are
/// left out, as the reports always left them; the audit judges them from the log itself.
struct DecodedLog: Sendable {
    /// Entries covered, from the first.
    private(set) var size: UInt64 = 0
    /// The log's root over those entries (RFC 6962): a log whose prefix no longer has this root was
    /// rewritten, and nothing decoded from it is served again.
    private(set) var root: [UInt8] = MerkleHash.emptyTree
    private(set) var licenses: [(license: SignedLicense, index: UInt64)] = []
    private(set) var activations: [(activation: SignedActivation, index: UInt64)] = []
    private(set) var deactivations: [(deactivation: SignedDeactivation, index: UInt64)] = []
    private(set) var delegations: [(certificate: SignedCertificate, index: UInt64)] = []
    private(set) var received: [(certificate: SignedCertificate, index: UInt64)] = []
    private(set) var returns: [(quotaReturn: SignedQuotaReturn, index: UInt64)] = []
    private(set) var revocations: [SignedRevocation] = []
    /// When a bound site's lease or release entered the log, by the site key's thumbprint.
    private(set) var siteReceipts: [(site: String, at: Int64)] = []
    /// Refused attempts, the node's own (`site` nil) or a bound site's that the node took in after
    /// checking the site's signature (`site` its key id: counted as the site's).
    private(set) var refusals: [(refusal: SignedActivationRefusal, index: UInt64, site: String?)] = []
    private(set) var transfers: [(transfer: SignedCustomerTransfer, index: UInt64)] = []
    /// Checkpoints of descendants this node saw, as logged (their signatures are checked by the
    /// view that reads them, against the keys of the nodes it holds).
    private(set) var witnesses: [(record: WitnessRecord, index: UInt64)] = []

    init() {}

    /// Decodes the entries of `source` from ``size`` up to `newSize` (one chunk in memory at a
    /// time, each parsed on all cores) and records the root at `newSize`.
    mutating func extend(from source: MerkleLog, to newSize: UInt64) throws {
        var start = size
        while start < newSize {
            let end = min(newSize, start + AuditedLog.chunkSize)
            let entries = try source.entries(in: start..<end)
            let slices = max(1, min(entries.count / 256, 8))
            if slices == 1 {
                append(entries[...])
            } else {
                let parsed = Mutex<[Int: DecodedLog]>([:])
                DispatchQueue.concurrentPerform(iterations: slices) { slice in
                    var part = DecodedLog()
                    part.append(entries[(entries.count * slice / slices)..<(entries.count * (slice + 1) / slices)])
                    parsed.withLock { $0[slice] = part }
                }
                let parts = parsed.withLock { $0 }
                for slice in 0..<slices { if let part = parts[slice] { append(part) } }
            }
            start = end
        }
        root = try source.rootHash(atSize: newSize)
        size = newSize
    }

    /// Decodes `entries` (consecutive, in log order) onto the end.
    private mutating func append(_ entries: ArraySlice<LogEntry>) {
        for entry in entries {
            let index = entry.index
            switch LogEntryKind(rawValue: entry.kind) {
            case .licenseIssued, .licenseRenewed, .licenseChanged:
                if let license = try? SignedLicense(compact: Self.text(entry)) { licenses.append((license, index)) }
            case .activation:
                if let activation = try? SignedActivation(compact: Self.text(entry)) { activations.append((activation, index)) }
            case .deactivation:
                if let deactivation = try? SignedDeactivation(compact: Self.text(entry)) { deactivations.append((deactivation, index)) }
            case .certificateDelegated:
                if let certificate = try? SignedCertificate(compact: Self.text(entry)) { delegations.append((certificate, index)) }
            case .certificateReceived:
                if let certificate = try? SignedCertificate(compact: Self.text(entry)) { received.append((certificate, index)) }
            case .quotaReturned:
                if let quotaReturn = try? SignedQuotaReturn(compact: Self.text(entry)) { returns.append((quotaReturn, index)) }
            case .revocationIssued, .revocationReceived:
                if let revocation = try? SignedRevocation(compact: Self.text(entry)) { revocations.append(revocation) }
            case .siteLeaseReceived:
                let text = Self.text(entry)
                if let lease = try? SignedLease(compact: text) {
                    siteReceipts.append((lease.jws.header.kid, entry.appendedAt))
                } else if let release = try? SignedLeaseRelease(compact: text) {
                    siteReceipts.append((release.jws.header.kid, entry.appendedAt))
                }
            case .activationRefused:
                if let refusal = try? SignedActivationRefusal(compact: Self.text(entry)) { refusals.append((refusal, index, nil)) }
            case .siteRefusalReceived:
                if let refusal = try? SignedActivationRefusal(compact: Self.text(entry)), refusal.jws.header.kid == refusal.payload.iss {
                    refusals.append((refusal, index, refusal.payload.iss))
                }
            case .customerTransferred:
                if let transfer = try? SignedCustomerTransfer(compact: Self.text(entry)) { transfers.append((transfer, index)) }
            case .checkpointWitnessed:
                if let record = try? WitnessRecord(bytes: entry.bytes) { witnesses.append((record, index)) }
            default:
                break
            }
        }
    }

    /// Appends what `later` decoded from the entries that follow this one's.
    private mutating func append(_ later: DecodedLog) {
        licenses += later.licenses
        activations += later.activations
        deactivations += later.deactivations
        delegations += later.delegations
        received += later.received
        returns += later.returns
        revocations += later.revocations
        siteReceipts += later.siteReceipts
        refusals += later.refusals
        transfers += later.transfers
        witnesses += later.witnesses
    }

    private static func text(_ entry: LogEntry) -> String { String(decoding: entry.bytes, as: UTF8.self) }
}
