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
        LogEntryKind.licenseIssued, .licenseRenewed, .licenseChanged, .activation, .deactivation, .certificateDelegated, .quotaReturned, .revocationIssued,
        .activationRefused, .customerTransferred,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// Entries verified per task: small enough that a short push still spreads over both cores,
    /// large enough that dispatching costs little next to the signatures.
    static let entriesPerTask = 4

    /// The index (in `entries`) of the first entry that fails, or nil when all hold; and the JWS
    /// hashes of the entries whose signatures were verified. Signatures `known` holds are not
    /// verified again (the object's header is still checked).
    static func check(_ entries: [NewLogEntry], signer: Ed25519PublicKey, known: VerifiedSignatureCache) -> (forged: Int?, verified: [String]) {
        let keyID = signer.thumbprint
        let signed = entries.indices.filter { selfSignedKinds.contains(entries[$0].kind) }
        guard !signed.isEmpty else { return (nil, []) }
        let results = Mutex<(failures: [Int], verified: [String])>(([], []))
        let tasks = (signed.count + entriesPerTask - 1) / entriesPerTask
        DispatchQueue.concurrentPerform(iterations: tasks) { task in
            var failures: [Int] = []
            var verified: [String] = []
            for index in signed[(task * entriesPerTask)..<min(signed.count, (task + 1) * entriesPerTask)] {
                let compact = String(decoding: entries[index].bytes, as: UTF8.self)
                let hash = JWS.hash(of: compact)
                // Only bytes that parsed and verified are ever recorded, so a recorded entry needs
                // only its header's key id checked.
                if known.contains(jwsHash: hash, signedBy: signer) {
                    if JWS.header(of: compact)?.kid == keyID {
                        verified.append(hash)
                    } else {
                        failures.append(index)
                    }
                } else if let jws = try? JWS(compact: compact, object: "entry", maxBytes: .max), jws.header.kid == keyID, jws.isSigned(by: signer) {
                    // Signed by the node, as its log claims. An object over the size limit (signed
                    // before limits were checked at signing) is still the node's: it is stored, and
                    // the audit reports it as an invalid object instead of the log jamming for good.
                    verified.append(jws.hash)
                } else {
                    failures.append(index)
                }
            }
            results.withLock {
                $0.failures.append(contentsOf: failures)
                $0.verified.append(contentsOf: verified)
            }
        }
        return results.withLock { ($0.failures.min(), $0.verified) }
    }
}
