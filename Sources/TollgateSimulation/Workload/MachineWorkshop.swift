import Dispatch
import TollgateCertificates
import TollgateCrypto

/// Makes customers' machines (keys, and the first request where it is known) on a thread of its
/// own, ahead of the steps that use them, so the event loop does not spend its time on their
/// Ed25519 work. What it makes depends on nothing but the seed and the fields given, so the run is
/// the same whenever the work is done.
final class MachineWorkshop: Sendable {
    private let queue = DispatchQueue(label: "tollgate.simulation.machine-workshop")
    /// The run's record of verified signatures, where the signatures made here go.
    private let signatures: VerifiedSignatureCache

    init(signatures: VerifiedSignatureCache) {
        self.signatures = signatures
    }

    /// A machine made on the workshop's thread; the step that uses it waits if it is not ready.
    func prepare(country: String, seed: [UInt8], first: PreparedMachine.FirstRequest?) -> PreparedMachine {
        let machine = PreparedMachine(country: country, first: first, signatures: signatures)
        queue.async { machine.make(seed: seed) }
        return machine
    }

    /// A pull request signed on the workshop's thread, dated `date` by the node's clock.
    func presignPull(date: Int64, nonce: String, key: Ed25519PrivateKey) -> PresignedPull {
        let pull = PresignedPull(date: date)
        let signatures = self.signatures
        queue.async { pull.make(nonce: nonce, key: key, signatures: signatures) }
        return pull
    }

    /// A machine made now, on the caller's thread, for a step that uses it at once.
    func makeNow(country: String, seed: [UInt8]) -> PreparedMachine {
        let machine = PreparedMachine(country: country, first: nil, signatures: signatures)
        machine.make(seed: seed)
        return machine
    }
}
