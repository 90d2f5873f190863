import Dispatch
import Synchronization
import TollgateCertificates
import TollgateCrypto
import TollgateNode

/// Planned licenses handed to a ``SigningThreads`` pool, and their signatures as they come in.
final class LicenseSigning: Sendable {
    let plans: [LicensePlan]
    let key: Ed25519PrivateKey
    /// Where each signature goes once made, so the node and verifiers sharing its record (an
    /// activation's license check, a customer's check in the simulator) do not verify it again.
    let record: VerifiedSignatureCache?
    private let results: Mutex<[Result<SignedLicense, NodeError>?]>
    private let unclaimed = Atomic<Int>(0)
    private let unsigned: Atomic<Int>
    private let finished = DispatchSemaphore(value: 0)
    private let onFinish: @Sendable () -> Void

    /// `onFinish` runs on the signing thread that makes the last signature; each signature is
    /// added to `record` when given.
    init(_ plans: [LicensePlan], with key: Ed25519PrivateKey, recordingIn record: VerifiedSignatureCache? = nil,
         onFinish: @escaping @Sendable () -> Void = {}) {
        self.plans = plans
        self.key = key
        self.record = record
        self.onFinish = onFinish
        results = Mutex(Array(repeating: nil, count: plans.count))
        unsigned = Atomic(plans.count)
        if plans.isEmpty {
            finished.signal()
        }
    }

    /// Whether every plan is signed.
    var isFinished: Bool { unsigned.load(ordering: .acquiring) == 0 }

    /// Claims the next plan nobody signs yet, or nil when all are claimed.
    func claim() -> Int? {
        let index = unclaimed.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < plans.count ? index : nil
    }

    /// Whether some plan is still unclaimed.
    var hasUnclaimed: Bool { unclaimed.load(ordering: .relaxed) < plans.count }

    /// Signs the claimed plan `index`.
    func sign(_ index: Int) {
        let result = Result { () throws(NodeError) in try plans[index].sign(with: key, recordingIn: record) }
        results.withLock { $0[index] = result }
        if unsigned.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            finished.signal()
            onFinish()
        }
    }

    /// Waits for every signature; they are in the order of the plans.
    func wait() -> [Result<SignedLicense, NodeError>] {
        finished.wait()
        finished.signal()  // a second wait returns at once
        return results.withLock { $0.map { $0 ?? .failure(NodeError(.storage, "a license was not signed")) } }
    }
}
