import Dispatch
import Foundation
import Synchronization
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// Checks, before a segment is stored, that every entry a node signs itself (licenses, renewals,
/// activations, deactivations, delegations, returns, revocations) carries that node's valid
/// signature. An honest node never logs anything else under its name. Runs on all cores.
enum SegmentVerification {
    static let selfSignedKinds: Set<String> = [
        LogEntryKind.licenseIssued, .licenseRenewed, .activation, .deactivation, .certificateDelegated, .quotaReturned, .revocationIssued,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// The index (in `entries`) of the first entry that fails, or nil when all hold.
    static func firstForgedEntry(_ entries: [NewLogEntry], signer: Ed25519PublicKey) -> Int? {
        let keyID = signer.thumbprint
        let failures = Mutex<[Int]>([])
        let workers = max(1, min(entries.count / 64 + 1, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var mine: [Int] = []
            var index = worker
            while index < entries.count {
                let entry = entries[index]
                if selfSignedKinds.contains(entry.kind) {
                    let compact = String(decoding: entry.bytes, as: UTF8.self)
                    if let jws = try? JWS(compact: compact, object: "entry"), jws.header.kid == keyID, jws.isSigned(by: signer) {
                        // signed by the node, as its log claims
                    } else {
                        mine.append(index)
                    }
                }
                index += workers
            }
            if !mine.isEmpty { failures.withLock { $0.append(contentsOf: mine) } }
        }
        return failures.withLock { $0.min() }
    }
}
