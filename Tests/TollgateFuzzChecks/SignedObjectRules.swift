import Foundation
import TollgateCertificates
import TollgateCrypto

/// What every signed object kind promises once parsed, shared by the JWS, canonical JSON and
/// request file targets.
enum SignedObjectRules {
    /// A fixed key for re-signing accepted payloads (seed 0…31), so runs are reproducible.
    static let key: Ed25519PrivateKey = {
        do {
            return try Ed25519PrivateKey(seed: Array(0..<32))
        } catch {
            fatalError("cannot make the fuzz signing key: \(error)")
        }
    }()

    /// Parses `compact` as a `Signed<Payload>` and, when it is accepted, checks what that promises:
    /// the size cap, the `typ`, the field rules, the JWS fields, and that the payload re-signed with
    /// a fixed key parses back equal.
    static func checkSigned<Payload: SignedPayload>(_ type: Payload.Type, _ compact: String, maxBytes: Int) throws(FuzzFailure) {
        guard let signed = try? Signed<Payload>(compact: compact, maxBytes: maxBytes) else { return }
        try FuzzFailure.require(compact.utf8.count <= maxBytes, .limitExceeded,
                                "a \(compact.utf8.count)-byte \(Payload.noun) accepted with a cap of \(maxBytes)")
        try FuzzFailure.require(signed.jws.header.typ == Payload.type, .ruleBroken, "typ \(signed.jws.header.typ) accepted as \(Payload.noun)")
        do {
            try signed.payload.validateFields(object: Payload.noun)
        } catch {
            throw FuzzFailure(.ruleBroken, "an accepted \(Payload.noun) fails its own field rules: \(error)")
        }
        try checkJWS(signed.jws, compact: compact)
        try checkPayloadRoundTrip(signed.payload)
        let resigned: Signed<Payload>
        do {
            resigned = try Signed<Payload>.sign(signed.payload, with: key)
        } catch {
            throw FuzzFailure(.roundTrip, "an accepted \(Payload.noun) cannot be signed again: \(error)")
        }
        let reparsed: Signed<Payload>
        do {
            reparsed = try Signed<Payload>(compact: resigned.compact, maxBytes: .max)
        } catch {
            throw FuzzFailure(.roundTrip, "an accepted \(Payload.noun), signed again, is refused: \(error)")
        }
        try FuzzFailure.require(reparsed.payload == signed.payload, .roundTrip, "an accepted \(Payload.noun), signed again, reads differently")
        try FuzzFailure.require(reparsed.jws.isSigned(by: key.publicKey), .roundTrip, "a re-signed \(Payload.noun) does not verify")
    }

    /// What an accepted compact JWS promises: it is the bytes given, EdDSA, and its header and hash
    /// read the same through the shortcuts.
    static func checkJWS(_ jws: JWS, compact: String) throws(FuzzFailure) {
        try FuzzFailure.require(jws.compact == compact, .roundTrip, "the JWS keeps other bytes than it was given")
        try FuzzFailure.require(jws.header.alg == "EdDSA", .ruleBroken, "alg \(jws.header.alg) accepted")
        try FuzzFailure.require(jws.hash == JWS.hash(of: compact), .ruleBroken, "the JWS hash is not the hash of its bytes")
        try FuzzFailure.require(JWS.header(of: compact) == jws.header, .readersDisagree, "JWS.header(of:) reads another header")
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        try FuzzFailure.require(parts.count == 3, .ruleBroken, "a JWS of \(parts.count) parts accepted")
        try FuzzFailure.require(Array(jws.signingInput) == Array((parts[0] + "." + parts[1]).utf8), .ruleBroken,
                                "the signing input is not the first two parts")
        try FuzzFailure.require(Base64URL.encode(jws.payload) == String(parts[1]), .roundTrip, "the payload part is not canonical base64url")
        try FuzzFailure.require(Base64URL.encode(jws.signature) == String(parts[2]), .roundTrip, "the signature part is not canonical base64url")
    }

    /// Reads `bytes` as `Payload` claims both ways — the canonical reader and `JSONDecoder` — and
    /// checks that where the canonical reader answers, the decoder answers the same; then checks the
    /// accepted value round-trips. Returns the value read, if any.
    @discardableResult
    static func checkPayloadBytes<Payload: SignedPayload>(_ type: Payload.Type, _ bytes: [UInt8]) throws(FuzzFailure) -> Payload? {
        let fast = Payload.read(canonicalJSON: bytes)
        let decoded = try? JSONDecoder().decode(Payload.self, from: Data(bytes))
        if let fast {
            guard let decoded else {
                throw FuzzFailure(.readersDisagree, "the canonical reader accepts a \(Payload.noun) JSONDecoder refuses")
            }
            try FuzzFailure.require(fast == decoded, .readersDisagree, "the canonical reader and JSONDecoder read different \(Payload.noun) claims")
        }
        guard let value = fast ?? decoded else { return nil }
        try checkPayloadRoundTrip(value)
        return value
    }

    /// Canonical JSON of an accepted value: the hand-written form matches the `Encodable` one, and
    /// both readers read it back equal (the canonical reader may give up only where it documents it
    /// does: on the `\u` escapes the writer uses for control characters, and on DEL, which the
    /// writer leaves raw).
    static func checkPayloadRoundTrip<Payload: SignedPayload>(_ value: Payload) throws(FuzzFailure) {
        let encoded: [UInt8]
        let throughCodable: [UInt8]
        do {
            encoded = try CanonicalJSON.encode(value)
            throughCodable = try CanonicalJSON.encodeThroughCodable(value)
        } catch {
            throw FuzzFailure(.roundTrip, "an accepted \(Payload.noun) cannot be encoded: \(error)")
        }
        try FuzzFailure.require(encoded == throughCodable, .readersDisagree,
                                "the canonical writer and the Encodable path write different \(Payload.noun) JSON")
        let decoded: Payload
        do {
            decoded = try JSONDecoder().decode(Payload.self, from: Data(encoded))
        } catch {
            throw FuzzFailure(.roundTrip, "JSONDecoder refuses the canonical JSON of an accepted \(Payload.noun): \(error)")
        }
        try FuzzFailure.require(decoded == value, .roundTrip, "the canonical JSON of an accepted \(Payload.noun) decodes differently")
        if let fast = Payload.read(canonicalJSON: encoded) {
            try FuzzFailure.require(fast == value, .roundTrip, "the canonical reader reads the canonical JSON of a \(Payload.noun) differently")
        } else if hasCanonicalReader(Payload.self) && !containsUnicodeEscape(encoded) && !encoded.contains(0x7F) {
            throw FuzzFailure(.roundTrip, "the canonical reader gives up on what the canonical writer wrote for a \(Payload.noun)")
        }
    }

    static func hasCanonicalReader<Payload: SignedPayload>(_ type: Payload.Type) -> Bool {
        type == License.self || type == MachineRequest.self || type == Activation.self
    }

    static func containsUnicodeEscape(_ bytes: [UInt8]) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: "\\") && $1 == UInt8(ascii: "u") }
    }
}
