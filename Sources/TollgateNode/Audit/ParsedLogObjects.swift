import Dispatch
import Synchronization
import TollgateCertificates
import TollgateLedger

/// The licenses, activations and deactivations of one log, parsed. Parsing is pure and is most of
/// what reading a whole subtree costs, so the logs are parsed on all cores; entries that do not parse
/// are left out here and judged by the per-log rules.
struct ParsedLogObjects: Sendable {
    var licenses: [(license: SignedLicense, index: UInt64)] = []
    var activations: [(activation: SignedActivation, index: UInt64)] = []
    var deactivations: [SignedDeactivation] = []

    init(_ entries: [LogEntry]) {
        for entry in entries {
            switch LogEntryKind(rawValue: entry.kind) {
            case .licenseIssued, .licenseRenewed:
                if let license = try? SignedLicense(compact: String(decoding: entry.bytes, as: UTF8.self)) { licenses.append((license, entry.index)) }
            case .activation:
                if let activation = try? SignedActivation(compact: String(decoding: entry.bytes, as: UTF8.self)) {
                    activations.append((activation, entry.index))
                }
            case .deactivation:
                if let deactivation = try? SignedDeactivation(compact: String(decoding: entry.bytes, as: UTF8.self)) {
                    deactivations.append(deactivation)
                }
            default:
                break
            }
        }
    }

    /// Each log's objects, in the order of `logs`.
    static func parse(_ logs: [AuditedLog]) -> [ParsedLogObjects] {
        let parsed = Mutex<[Int: ParsedLogObjects]>([:])
        DispatchQueue.concurrentPerform(iterations: logs.count) { index in
            let objects = ParsedLogObjects(logs[index].entries)
            parsed.withLock { $0[index] = objects }
        }
        let byIndex = parsed.withLock { $0 }
        return logs.indices.map { byIndex[$0]! }
    }
}
