import Dispatch
import Foundation
import Synchronization
import TollgateCertificates
import TollgateCrypto
import TollgateNode

/// Signs planned licenses on background threads, one per core, while the caller goes on. Each
/// thread takes the next unsigned plan when it is done with one, so a core the node's writer
/// thread keeps busy signs fewer of them.
final class LicenseSigning: Sendable {
    private let results: Mutex<[Result<SignedLicense, NodeError>?]>
    private let nextPlan = Atomic<Int>(0)
    private let group = DispatchGroup()

    /// Starts signing `plans` with `key`.
    init(_ plans: [LicensePlan], with key: Ed25519PrivateKey) {
        results = Mutex(Array(repeating: nil, count: plans.count))
        let workers = min(plans.count, ProcessInfo.processInfo.activeProcessorCount)
        for _ in 0..<workers {
            group.enter()
            DispatchQueue.global().async { [self] in
                var mine: [(Int, Result<SignedLicense, NodeError>)] = []
                while true {
                    let index = nextPlan.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < plans.count else { break }
                    let plan = plans[index]
                    mine.append((index, Result { () throws(NodeError) in try plan.sign(with: key) }))
                }
                results.withLock { all in for (index, result) in mine { all[index] = result } }
                group.leave()
            }
        }
    }

    /// Waits for every signature; they are in the order of the plans.
    func wait() -> [Result<SignedLicense, NodeError>] {
        group.wait()
        return results.withLock { $0.map { $0 ?? .failure(NodeError(.storage, "a license was not signed")) } }
    }
}
