import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateWire

/// What a node signs goes into its record of verified signatures as it signs, keyed by the exact
/// bytes and the node's key: each recorded object verifies for real, and any other bytes (a changed
/// copy, another key) are not in the record.
@Suite struct SigningRecordTests {
    @Test func aNodeRecordsWhatItSignsAndNothingElse() throws {
        let channel = try Channel()
        let chain = try channel.wire()
        let regional = channel.regional
        let record = regional.store.verifiedSignatures.objects
        let key = regional.identity.key.publicKey

        let file = try regional.issue(channel.sale("customer-1"), at: channel.now)
        let license = try SignedLicense(compact: file.license)
        #expect(record.contains(jwsHash: license.hash, signedBy: key))
        #expect(license.jws.isSigned(by: key), "what the record holds verifies")
        #expect(!record.contains(jwsHash: license.hash, signedBy: channel.general.identity.key.publicKey))

        // Every byte of the signature changed in turn: none of those copies is in the record.
        let parts = file.license.split(separator: ".").map(String.init)
        var signature = try Base64URL.decode(parts[2])
        for index in signature.indices {
            signature[index] ^= 0x01
            let changed = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
            #expect(!record.contains(jwsHash: JWS.hash(of: changed), signedBy: key), "byte \(index)")
            signature[index] ^= 0x01
        }

        // The general agent's delegation is in its own record as it signed it (the regional agent's
        // has it too, since it verified the chain on accepting it).
        let certificate = try SignedCertificate(compact: chain.chain.last!)
        let general = channel.general.identity.key.publicKey
        #expect(channel.general.store.verifiedSignatures.objects.contains(jwsHash: certificate.hash, signedBy: general))
        #expect(certificate.jws.isSigned(by: general))
        #expect(!channel.root.store.verifiedSignatures.objects.contains(jwsHash: certificate.hash, signedBy: general))
    }

    @Test func aSignedRequestIsFoundOnlyForItsOwnBytes() throws {
        let channel = try Channel()
        let node = channel.regional
        let record = node.store.verifiedSignatures.objects
        let key = node.identity.key.publicKey
        let body = Array(#"{"segments":[]}"#.utf8)
        let signature = try node.signRequest(method: "POST", target: "/v1/sync/push", body: body, at: channel.now)
        #expect(signature.isValid(method: "POST", target: "/v1/sync/push", body: body, key: key), "verifies for real")
        let raw = try Base64URL.decode(signature.signature)
        let input = RequestSignature.signingInput(method: "POST", target: "/v1/sync/push", body: body, date: signature.date, nonce: signature.nonce)
        #expect(record.contains(signature: raw, over: input, by: key))
        let otherBody = Array(#"{"segments":[1]}"#.utf8)
        let otherInput = RequestSignature.signingInput(method: "POST", target: "/v1/sync/push", body: otherBody,
                                                       date: signature.date, nonce: signature.nonce)
        #expect(!record.contains(signature: raw, over: otherInput, by: key))
        #expect(!signature.isValid(method: "POST", target: "/v1/sync/push", body: otherBody, key: key, record: record))
    }
}
