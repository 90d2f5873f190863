import TollgateCertificates
import TollgateCrypto

/// Node-to-node requests are signed with the calling node's key over the method, path, body digest,
/// time and a nonce; the receiver checks the signature, the time window and that the nonce is new.
public struct RequestSignature: Hashable, Sendable {
    public static let keyHeader = "Tollgate-Node"
    public static let dateHeader = "Tollgate-Date"
    public static let nonceHeader = "Tollgate-Nonce"
    public static let signatureHeader = "Tollgate-Signature"
    /// How far a request's time may be from the receiver's clock.
    public static let window: Int64 = 300

    /// Key id of the caller.
    public var keyID: String
    public var date: Int64
    public var nonce: String
    /// base64url Ed25519 signature.
    public var signature: String

    public init(keyID: String, date: Int64, nonce: String, signature: String) {
        self.keyID = keyID
        self.date = date
        self.nonce = nonce
        self.signature = signature
    }

    /// The bytes signed: a fixed label, then method, path with query, body digest, time and nonce.
    public static func signingInput(method: String, target: String, body: [UInt8], date: Int64, nonce: String) -> [UInt8] {
        let digest = Base64URL.encode(SHA256Digest.hash(body))
        return Array("tollgate-request-v1\n\(method)\n\(target)\n\(digest)\n\(date)\n\(nonce)".utf8)
    }

    /// Signs a request; the signature also goes into `record` when given (see
    /// ``VerifiedSignatureCache/insert(signature:over:by:)``).
    public static func sign(method: String, target: String, body: [UInt8], date: Int64, nonce: String,
                            key: Ed25519PrivateKey, recordingIn record: VerifiedSignatureCache? = nil) throws -> RequestSignature {
        let input = signingInput(method: method, target: target, body: body, date: date, nonce: nonce)
        let signature = try key.signature(for: input)
        record?.insert(signature: signature, over: input, by: key.publicKey)
        return RequestSignature(keyID: key.publicKey.thumbprint, date: date, nonce: nonce, signature: Base64URL.encode(signature))
    }

    public var headers: [(name: String, value: String)] {
        [(Self.keyHeader, keyID), (Self.dateHeader, String(date)), (Self.nonceHeader, nonce), (Self.signatureHeader, signature)]
    }

    /// Reads the four headers; nil when any is missing or malformed. The date is range-checked here,
    /// where it is decoded: a time inside ``ObjectLimits``, so comparing it with a clock cannot overflow.
    public init?(header: (String) -> String?) {
        guard let keyID = header(Self.keyHeader), !keyID.isEmpty, keyID.utf8.count <= ObjectLimits.maxStringBytes,
              let dateText = header(Self.dateHeader), let date = Int64(dateText),
              date >= ObjectLimits.earliestTime, date <= ObjectLimits.latestTime,
              let nonce = header(Self.nonceHeader), !nonce.isEmpty, nonce.utf8.count <= 128,
              let signature = header(Self.signatureHeader), signature.utf8.count <= 128 else { return nil }
        self.init(keyID: keyID, date: date, nonce: nonce, signature: signature)
    }

    public func isValid(method: String, target: String, body: [UInt8], key: Ed25519PublicKey) -> Bool {
        guard let (raw, input) = signed(method: method, target: target, body: body, key: key) else { return false }
        return key.isValidSignature(raw, for: input)
    }

    /// As ``isValid(method:target:body:key:)``, looking the signature up in `record` first. A request
    /// is new bytes, so nothing is added to the record: it is found there only where its signer
    /// shares the record (nodes in the simulator's one process) and recorded it when signing.
    public func isValid(method: String, target: String, body: [UInt8], key: Ed25519PublicKey, record: VerifiedSignatureCache) -> Bool {
        guard let (raw, input) = signed(method: method, target: target, body: body, key: key) else { return false }
        return record.contains(signature: raw, over: input, by: key) || key.isValidSignature(raw, for: input)
    }

    /// The raw signature and the bytes it must cover, or nil when the request names another key
    /// or its signature is not base64url.
    private func signed(method: String, target: String, body: [UInt8], key: Ed25519PublicKey) -> (signature: [UInt8], input: [UInt8])? {
        guard key.thumbprint == keyID, let raw = try? Base64URL.decode(signature) else { return nil }
        return (raw, Self.signingInput(method: method, target: target, body: body, date: date, nonce: nonce))
    }
}
