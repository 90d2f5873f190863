import TollgateCertificates
import TollgateCrypto

/// A sale the node has checked and placed — its serials and its position in the log chosen — but
/// not yet signed or recorded. Signing needs nothing but the node's key, so the plans of many sales
/// can be signed on other threads while the node's one writer goes on; ``LicensingNode/record(_:)``
/// then appends them in the order they were planned.
public struct LicensePlan: Hashable, Sendable {
    /// The license as it will be signed, `log_index` included.
    public let payload: License
    /// The chain of the certificate it is issued under, root first.
    public let chain: [String]
    /// The hash of that certificate.
    public let holderHash: String
    /// The seller's order it fills, recorded with the license.
    let order: OrderTerms?

    init(payload: License, chain: [String], holderHash: String, order: OrderTerms? = nil) {
        self.payload = payload
        self.chain = chain
        self.holderHash = holderHash
        self.order = order
    }

    /// Signs the license with the node's key, adding the signature to `record` when given.
    public func sign(with key: Ed25519PrivateKey, recordingIn record: VerifiedSignatureCache? = nil) throws(NodeError) -> SignedLicense {
        do {
            if let record { return try SignedLicense.sign(payload, with: key, recordingIn: record) }
            return try SignedLicense.sign(payload, with: key)
        } catch let error as VerificationError {
            throw NodeError(.invalidRequest, error)
        } catch {
            throw NodeError(.storage, "signing failed: \(error)")
        }
    }
}
