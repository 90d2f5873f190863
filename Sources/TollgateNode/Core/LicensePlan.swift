import Dispatch
import Foundation
import Synchronization
import TollgateCertificates
import TollgateCrypto

/// A sale the node has checked and placed — its serials and its position in the log chosen — but
/// not yet signed or recorded. Signing needs nothing but the node's key, so the plans of many sales
/// can be signed on all cores while the node's one writer goes on; ``LicensingNode/record(_:)``
/// then appends them in the order they were planned.
public struct LicensePlan: Hashable, Sendable {
    /// The license as it will be signed, `log_index` included.
    public let payload: License
    /// The chain of the certificate it is issued under, root first.
    public let chain: [String]
    /// The hash of that certificate.
    public let holderHash: String

    /// Signs the license with the node's key.
    public func sign(with key: Ed25519PrivateKey) throws(NodeError) -> SignedLicense {
        do {
            return try SignedLicense.sign(payload, with: key)
        } catch {
            throw NodeError(.storage, "signing failed: \(error)")
        }
    }

    /// Signs every plan, on up to all cores; the results are in the order of `plans`.
    public static func signAll(_ plans: [LicensePlan], with key: Ed25519PrivateKey) -> [Result<SignedLicense, NodeError>] {
        guard plans.count > 1 else { return plans.map { plan in Result { () throws(NodeError) in try plan.sign(with: key) } } }
        let results = Mutex([Result<SignedLicense, NodeError>?](repeating: nil, count: plans.count))
        let workers = min(plans.count, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var mine: [(Int, Result<SignedLicense, NodeError>)] = []
            var index = worker
            while index < plans.count {
                let plan = plans[index]
                mine.append((index, Result { () throws(NodeError) in try plan.sign(with: key) }))
                index += workers
            }
            results.withLock { all in for (index, result) in mine { all[index] = result } }
        }
        return results.withLock { $0.map { $0! } }
    }
}
