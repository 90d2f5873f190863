import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// One node's log as the auditor sees it: where its entries are, how many the audit covers and the
/// checkpoint they end at. The entries stay in the store and are read a chunk at a time, so an
/// audit holds one chunk of one log at once rather than every log of the subtree.
struct AuditedLog {
    /// Entries read from the store at once: enough to parse on every core, small enough that a
    /// chunk of even the largest objects stays a few megabytes.
    static let chunkSize: UInt64 = 2_048

    let node: String
    let name: String
    let key: Ed25519PublicKey
    /// The log the entries are in: the auditor's own, or its mirror of a descendant's.
    let source: MerkleLog
    /// How many entries the audit covers, from the first.
    let size: UInt64
    /// The signed checkpoint covering the first `size` entries (the accepted one for a mirror, a
    /// fresh one for self).
    let checkpoint: String?
    let isSelf: Bool

    /// Calls `body` with the entries in order, `chunkSize` at a time.
    func forEachChunk(_ body: ([LogEntry]) throws -> Void) throws {
        var start: UInt64 = 0
        while start < size {
            let end = min(size, start + Self.chunkSize)
            try body(try source.entries(in: start..<end))
            start = end
        }
    }

    /// The entry at `index`, if the audit covers it.
    func entry(at index: UInt64) throws -> LogEntry? {
        index < size ? try source.entry(at: index) : nil
    }

    /// The signed object at `index`, as its compact text (for evidence).
    func compact(at index: UInt64) throws -> String {
        guard let entry = try entry(at: index) else {
            throw LedgerError(.outOfRange, "no entry \(index) in the audited log of \(name) (size \(size))")
        }
        return String(decoding: entry.bytes, as: UTF8.self)
    }
}
