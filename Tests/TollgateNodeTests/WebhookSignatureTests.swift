import Foundation
import Testing
import TollgateCrypto
import TollgateWire

/// `Tollgate-Signature: t=…,kid=…,sig=…` over `"<t>.<body>"` with the node's Ed25519 key: it
/// verifies with the public key, and a changed body, time or key, a stale delivery and a malformed
/// header are each refused with their own reason.
@Suite struct WebhookSignatureTests {
    static let now: Int64 = 1_780_000_000
    let key: Ed25519PrivateKey
    let body = Array(#"{"data":{"customer":"<script>\"x\""},"id":"evt_1","type":"license.issued"}"#.utf8)

    init() throws { key = try Ed25519PrivateKey() }

    @Test func aSignedDeliveryVerifiesWithTheNodesPublicKey() throws {
        let signature = try WebhookSignature.sign(body: body, at: Self.now, key: key)
        #expect(signature.value.hasPrefix("t=\(Self.now),kid=\(key.publicKey.thumbprint),sig="))
        #expect(try WebhookSignature.verify(header: signature.value, body: body, key: key.publicKey, now: Self.now + 299).get() == signature)
        #expect(WebhookSignature(value: signature.value) == signature)
    }

    @Test func aTamperedBodyTimeOrKeyIsRefused() throws {
        let signature = try WebhookSignature.sign(body: body, at: Self.now, key: key)
        var tampered = body
        tampered[tampered.count - 3] ^= 1
        #expect(problem(signature.value, tampered) == .badSignature)
        var moved = signature
        moved.time += 1
        #expect(problem(moved.value, body) == .badSignature)
        let other = try Ed25519PrivateKey()
        #expect(problem(signature.value, body, key: other.publicKey) == .otherKey)
        var forged = try WebhookSignature.sign(body: body, at: Self.now, key: other)
        forged.keyID = key.publicKey.thumbprint
        #expect(problem(forged.value, body) == .badSignature)
    }

    @Test func aStaleDeliveryIsRefused() throws {
        let signature = try WebhookSignature.sign(body: body, at: Self.now, key: key)
        #expect(problem(signature.value, body, now: Self.now + WebhookSignature.tolerance + 1) == .stale)
        #expect(problem(signature.value, body, now: Self.now - WebhookSignature.tolerance - 1) == .stale)
        #expect(problem(signature.value, body, now: Self.now + WebhookSignature.tolerance) == nil)
    }

    @Test(arguments: ["", "t=1", "t=x,kid=a,sig=b", "t=1,kid=a,sig=b,t=2", "t=1,kid=a,sig=b,v=1", "t=1,kid=,sig=b", "t=-1,kid=a,sig=b"])
    func aMalformedHeaderIsRefused(_ header: String) throws {
        #expect(problem(header, body) == .malformed)
    }

    func problem(_ header: String, _ body: [UInt8], key: Ed25519PublicKey? = nil, now: Int64 = now) -> WebhookSignature.Problem? {
        switch WebhookSignature.verify(header: header, body: body, key: key ?? self.key.publicKey, now: now) {
        case .success: nil
        case .failure(let problem): problem
        }
    }
}
