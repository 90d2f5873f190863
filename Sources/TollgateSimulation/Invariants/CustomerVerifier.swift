import Dispatch
import Synchronization
import TollgateCertificates

/// The offline verifier every customer's software embeds, checking everything honest nodes hand
/// out (invariant 1). Verification is pure and the run never branches on its result, so it runs on a
/// second thread in batches; rejections carry where they were handed out (the desk, then the order
/// within it), so the report is the same whatever the threads did.
final class CustomerVerifier: Sendable {
    /// One object to check: a license file, with an activation and the machine it must be bound to.
    struct Job: Sendable {
        /// The desk's index in the high bits, the desk's count of handed-out objects in the low 40.
        let sequence: Int
        let chain: [String]
        let license: String
        let activation: String?
        let machineKey: String?
        let fingerprint: String?
        let at: Int64
        let what: String
    }

    private let verifier: LicenseVerifier
    private let queue = DispatchQueue(label: "tollgate.simulation.customer-verifier")
    private let rejections = Mutex<[(sequence: Int, message: String)]>([])
    private let checked = Mutex(0)
    static let batchSize = 16

    init(anchor: TrustAnchor, signatures: VerifiedSignatureCache) {
        verifier = LicenseVerifier(anchor: anchor, cache: VerifiedCertificateCache(), signatures: signatures)
    }

    /// Verifies a batch on the second thread.
    func submit(_ batch: [Job]) {
        guard !batch.isEmpty else { return }
        queue.async { [self] in
            var found: [(sequence: Int, message: String)] = []
            for job in batch {
                do {
                    let machine = job.machineKey.map { MachineIdentity(machineKey: $0, fingerprint: job.fingerprint) }
                    _ = try verifier.verify(LicenseFile(chain: job.chain, license: job.license), at: job.at, activation: job.activation, machine: machine)
                } catch {
                    found.append((job.sequence, "\(job.what) the verifier rejects: \(error)"))
                }
            }
            self.checked.withLock { $0 += batch.count }
            if !found.isEmpty { self.rejections.withLock { $0.append(contentsOf: found) } }
        }
    }

    /// Waits for every batch; returns how many objects were checked and the rejections, in order.
    func drain() -> (checked: Int, rejections: [String]) {
        queue.sync {}
        let messages = rejections.withLock { $0 }.sorted { $0.sequence < $1.sequence }.map(\.message)
        return (checked.withLock { $0 }, messages)
    }
}
