import Foundation
import TollgateCrypto

/// A signed object: the verbatim JWS and its decoded claims. Parsing does not check the signature;
/// the verifier does.
public struct Signed<Payload: SignedPayload>: Hashable {
    public let jws: JWS
    public let payload: Payload

    /// Parses and decodes `compact`, checking `typ` and field formats.
    public init(compact: String, object: String = Payload.noun, maxBytes: Int = JWS.defaultMaxBytes) throws(VerificationError) {
        let jws = try JWS(compact: compact, object: object, maxBytes: maxBytes)
        guard jws.header.typ == Payload.type else {
            throw VerificationError(.wrongType, object, "typ is \(jws.header.typ), expected \(Payload.type)")
        }
        let payload: Payload
        do {
            if let read = Payload.read(canonicalJSON: jws.payload) {
                payload = read  // the canonical reader refuses a repeated member itself
            } else {
                try StrictJSON.check(jws.payload, object: object)
                payload = try JSONDecoder().decode(Payload.self, from: Data(jws.payload))
            }
        } catch let error as VerificationError {
            throw error
        } catch {
            throw VerificationError(.malformed, object, "the \(Payload.noun) claims do not decode: \(error)")
        }
        try payload.validateFields(object: object)
        self.jws = jws
        self.payload = payload
    }

    /// Signs `payload` with `key`. The payload's `iss` must already name the key's thumbprint.
    ///
    /// Refused with a ``VerificationError`` before anything is signed when the claims break a field
    /// rule or the object would exceed ``ObjectLimits/maxObjectBytes``: the limits parsing enforces,
    /// so nothing signed here is refused by a parser.
    public static func sign(_ payload: Payload, with key: Ed25519PrivateKey) throws -> Signed<Payload> {
        try payload.validateFields(object: Payload.noun)
        let bytes = try payload.encodedPayload()
        let size = JWS.compactSize(payloadBytes: bytes.count, typ: Payload.type, kid: key.publicKey.thumbprint)
        guard size <= ObjectLimits.maxObjectBytes else {
            throw VerificationError(.objectTooLarge, Payload.noun, "the \(Payload.noun) would be \(size) bytes, the limit is \(ObjectLimits.maxObjectBytes)")
        }
        let jws = try JWS.sign(payload: bytes, typ: Payload.type, key: key)
        return Signed(jws: jws, payload: payload)
    }

    /// Signs `payload` with `key` without the field and size checks: for test vectors and planted
    /// adversaries, which must be able to make the objects an honest node never signs.
    public static func signUnchecked(_ payload: Payload, with key: Ed25519PrivateKey) throws -> Signed<Payload> {
        Signed(jws: try JWS.sign(payload: payload.encodedPayload(), typ: Payload.type, key: key), payload: payload)
    }

    /// Signs `payload` with `key` and adds the signature to `record`. These exact bytes were just
    /// signed with this key, so verifying them would succeed: Ed25519 signing is deterministic and
    /// its verification accepts what it signs. Verifiers sharing the record skip that work; bytes
    /// that differ in any way are not in the record and are verified as usual.
    public static func sign(_ payload: Payload, with key: Ed25519PrivateKey, recordingIn record: VerifiedSignatureCache) throws -> Signed<Payload> {
        let signed = try sign(payload, with: key)
        record.insert(jwsHashes: CollectionOfOne(signed.hash), signedBy: key.publicKey)
        return signed
    }

    private init(jws: JWS, payload: Payload) {
        self.jws = jws
        self.payload = payload
    }

    public var compact: String { jws.compact }
    /// SHA-256 of the compact bytes, base64url.
    public var hash: String { jws.hash }
}

extension Signed: Sendable {}

public typealias SignedCertificate = Signed<AllocationCertificate>
public typealias SignedLicense = Signed<License>
public typealias SignedActivation = Signed<Activation>
public typealias SignedRevocation = Signed<Revocation>
public typealias SignedQuotaReturn = Signed<QuotaReturn>
public typealias SignedMachineRequest = Signed<MachineRequest>
public typealias SignedDeactivation = Signed<Deactivation>
public typealias SignedLease = Signed<Lease>
public typealias SignedLeaseRelease = Signed<LeaseRelease>
public typealias SignedActivationRefusal = Signed<ActivationRefusal>
