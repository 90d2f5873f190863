import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateWire

/// A node's next pull request, signed on the ``MachineWorkshop``'s thread when its sync round is
/// planned, for the moment the round starts, its signature put in the run's record of signatures,
/// where the parent's check finds it. A pull has no body, so the request is known as soon as its
/// time is: this is what the node's sync agent would sign then, with a nonce drawn from the run.
final class PresignedPull: Sendable {
    /// The node's clock reading the request is dated with (Unix seconds).
    let date: Int64
    private let result = WorkshopResult<RequestSignature?>()

    init(date: Int64) {
        self.date = date
    }

    /// Signs the request; called once, on any thread.
    func make(nonce: String, key: Ed25519PrivateKey, signatures: VerifiedSignatureCache) {
        result.fill(try? RequestSignature.sign(method: Endpoint.syncPull.method.rawValue, target: Endpoint.syncPull.path.description,
                                               body: [], date: date, nonce: nonce, key: key, recordingIn: signatures))
    }

    /// The signed request, waiting for it if need be; nil if it could not be signed.
    func signature() -> RequestSignature? {
        result.wait()
    }
}
