import Foundation
import TollgateCrypto

/// The `Tollgate-Signature` header of a webhook delivery: `t=<unix>,kid=<node key id>,sig=<base64url>`,
/// an Ed25519 signature by the node's key over `"<t>.<body>"`. A receiver checks it with the node's
/// public key and refuses deliveries older than ``tolerance`` seconds (or as far in the future).
public struct WebhookSignature: Hashable, Sendable {
    public static let header = "Tollgate-Signature"
    /// How old a delivery may be when it is checked.
    public static let tolerance: Int64 = 300

    public var time: Int64
    public var keyID: String
    /// base64url Ed25519 signature.
    public var signature: String

    public init(time: Int64, keyID: String, signature: String) {
        self.time = time
        self.keyID = keyID
        self.signature = signature
    }

    /// Why a delivery's signature does not check.
    public enum Problem: String, Error, Sendable {
        /// The header is not `t=…,kid=…,sig=…`.
        case malformed
        /// The header names another key than the one checked with.
        case otherKey = "other_key"
        /// The signature does not verify over the time and body.
        case badSignature = "bad_signature"
        /// The delivery is older than ``WebhookSignature/tolerance`` (or as far ahead of the clock).
        case stale
    }

    /// The bytes signed: the time, a dot, the body.
    public static func signingInput(time: Int64, body: [UInt8]) -> [UInt8] {
        Array("\(time).".utf8) + body
    }

    public static func sign(body: [UInt8], at time: Int64, key: Ed25519PrivateKey) throws -> WebhookSignature {
        let raw = try key.signature(for: signingInput(time: time, body: body))
        return WebhookSignature(time: time, keyID: key.publicKey.thumbprint, signature: Base64URL.encode(raw))
    }

    /// The header's value.
    public var value: String { "t=\(time),kid=\(keyID),sig=\(signature)" }

    /// Parses a header value; nil unless it has exactly `t`, `kid` and `sig`, each once, `t` a time.
    public init?(value: String) {
        var fields: [String: String] = [:]
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard let equals = part.firstIndex(of: "=") else { return nil }
            let name = part[..<equals].trimmingCharacters(in: .whitespaces), text = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard ["t", "kid", "sig"].contains(name), fields[name] == nil, !text.isEmpty, text.utf8.count <= 256 else { return nil }
            fields[name] = text
        }
        guard fields.count == 3, let timeText = fields["t"], let time = Int64(timeText), time >= 0, time <= 253_402_300_799,
              let keyID = fields["kid"], let signature = fields["sig"] else { return nil }
        self.init(time: time, keyID: keyID, signature: signature)
    }

    /// Checks `header` over `body` with `key` at `now`.
    public static func verify(header: String, body: [UInt8], key: Ed25519PublicKey, now: Int64) -> Result<WebhookSignature, Problem> {
        guard let parsed = WebhookSignature(value: header) else { return .failure(.malformed) }
        guard parsed.keyID == key.thumbprint else { return .failure(.otherKey) }
        guard let raw = try? Base64URL.decode(parsed.signature),
              key.isValidSignature(raw, for: signingInput(time: parsed.time, body: body)) else { return .failure(.badSignature) }
        guard abs(now - parsed.time) <= tolerance else { return .failure(.stale) }
        return .success(parsed)
    }
}
