import Dispatch
import Synchronization
import TollgateCertificates
import TollgateLedger

/// The licenses, activations and deactivations of a run of one log's entries, parsed. Parsing is
/// pure and is most of what reading a subtree costs, so a chunk is parsed on all cores; entries
/// that do not parse are left out here and judged by the per-log rules.
struct ParsedLogObjects: Sendable {
    var licenses: [(license: SignedLicense, index: UInt64)] = []
    var activations: [(activation: SignedActivation, index: UInt64)] = []
    var deactivations: [(deactivation: SignedDeactivation, index: UInt64)] = []
    /// Leases and releases a node signed, or took in from a bound site's log.
    var leases: [(lease: SignedLease, index: UInt64)] = []
    var releases: [(release: SignedLeaseRelease, index: UInt64)] = []
    /// Refused attempts the node recorded (read so the audit knows they parse; no rule judges them).
    var refusals: [(refusal: SignedActivationRefusal, index: UInt64)] = []

    init<Entries: Collection>(_ entries: Entries) where Entries.Element == LogEntry {
        for entry in entries {
            switch LogEntryKind(rawValue: entry.kind) {
            case .licenseIssued, .licenseRenewed, .licenseChanged:
                if let license = try? SignedLicense(compact: String(decoding: entry.bytes, as: UTF8.self)) { licenses.append((license, entry.index)) }
            case .activation:
                if let activation = try? SignedActivation(compact: String(decoding: entry.bytes, as: UTF8.self)) {
                    activations.append((activation, entry.index))
                }
            case .deactivation:
                if let deactivation = try? SignedDeactivation(compact: String(decoding: entry.bytes, as: UTF8.self)) {
                    deactivations.append((deactivation, entry.index))
                }
            case .leaseGranted, .leaseReleased, .siteLeaseReceived:
                let compact = String(decoding: entry.bytes, as: UTF8.self)
                if let lease = try? SignedLease(compact: compact) {
                    leases.append((lease, entry.index))
                } else if let release = try? SignedLeaseRelease(compact: compact) {
                    releases.append((release, entry.index))
                }
            case .activationRefused:
                if let refusal = try? SignedActivationRefusal(compact: String(decoding: entry.bytes, as: UTF8.self)) {
                    refusals.append((refusal, entry.index))
                }
            default:
                break
            }
        }
    }

    /// The objects of `entries` (one chunk of a log, in order), parsed in slices on all cores.
    static func parse(_ entries: [LogEntry]) -> ParsedLogObjects {
        let slices = max(1, min(entries.count / 256, 8))
        guard slices > 1 else { return ParsedLogObjects(entries) }
        let parsed = Mutex<[Int: ParsedLogObjects]>([:])
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let objects = ParsedLogObjects(entries[(entries.count * slice / slices)..<(entries.count * (slice + 1) / slices)])
            parsed.withLock { $0[slice] = objects }
        }
        let bySlice = parsed.withLock { $0 }
        var merged = ParsedLogObjects([LogEntry]())
        for slice in 0..<slices {
            merged.licenses += bySlice[slice]!.licenses
            merged.activations += bySlice[slice]!.activations
            merged.deactivations += bySlice[slice]!.deactivations
            merged.leases += bySlice[slice]!.leases
            merged.releases += bySlice[slice]!.releases
            merged.refusals += bySlice[slice]!.refusals
        }
        return merged
    }

    /// The hashes of every object parsed.
    var hashes: Set<String> {
        Set(licenses.map(\.license.hash) + activations.map(\.activation.hash) + deactivations.map(\.deactivation.hash) + refusals.map(\.refusal.hash))
    }
}
