import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
@testable import TollgateNode

/// Entries a node signs itself pass only with that node's valid signature and key id, whether their
/// signature is verified now or found in the record of verified signatures.
@Suite struct SegmentVerificationTests {
    static func entry(_ compact: String) -> NewLogEntry {
        NewLogEntry(kind: LogEntryKind.licenseIssued.rawValue, bytes: Array(compact.utf8), appendedAt: 0)
    }

    /// A JWS signed by `key` whose header names `kid`.
    static func signed(by key: Ed25519PrivateKey, kid: String) throws -> String {
        let header = #"{"alg":"EdDSA","kid":""# + kid + #"","typ":"tollgate-license+jws"}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(#"{"x":1}"#.utf8))
        return input + "." + Base64URL.encode(try key.signature(for: Array(input.utf8)))
    }

    @Test func recordedEntriesStillNeedTheNodesKeyID() throws {
        let node = try Ed25519PrivateKey(seed: Array(repeating: 7, count: 32))
        let other = try Ed25519PrivateKey(seed: Array(repeating: 8, count: 32))
        let good = try Self.signed(by: node, kid: node.publicKey.thumbprint)
        let wrongKid = try Self.signed(by: node, kid: other.publicKey.thumbprint)
        let byOther = try Self.signed(by: other, kid: node.publicKey.thumbprint)
        let entries = [good, wrongKid, byOther, "not.a.jws"].map(Self.entry)
        let record = VerifiedSignatureCache()
        let fresh = SegmentVerification.check(entries, signer: node.publicKey, known: record)
        #expect(fresh.forged == 1)
        #expect(fresh.verified == [JWS.hash(of: good)])
        // Signatures recorded as valid for the node's key, whatever their header says.
        record.insert(jwsHashes: [good, wrongKid].map { JWS.hash(of: $0) }, signedBy: node.publicKey)
        let known = SegmentVerification.check(entries, signer: node.publicKey, known: record)
        #expect(known.forged == 1)
        #expect(known.verified == [JWS.hash(of: good)])
        #expect(SegmentVerification.check(Array(entries[2...]), signer: node.publicKey, known: record).forged == 0)
    }
}
