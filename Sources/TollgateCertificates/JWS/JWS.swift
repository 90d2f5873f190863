import Foundation
import TollgateCrypto

/// A JWS in compact serialization (RFC 7515 §7.1) signed with Ed25519 (RFC 8037).
/// The exact bytes travel verbatim, so no canonical form is ever needed.
public struct JWS: Hashable {
    /// `BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature)`.
    public let compact: String
    public let header: JWSHeader
    public let payload: [UInt8]
    public let signature: [UInt8]
    /// SHA-256 of the compact bytes, base64url: how objects refer to each other. Computed once.
    public let hash: String

    /// Largest accepted serialized object.
    public static let defaultMaxBytes = ObjectLimits.maxObjectBytes

    /// Parses the compact form; checks structure and algorithm, not the signature.
    public init(compact: String, object: String, maxBytes: Int = JWS.defaultMaxBytes) throws(VerificationError) {
        guard compact.utf8.count <= maxBytes else {
            throw VerificationError(.objectTooLarge, object, "\(compact.utf8.count) bytes, the limit is \(maxBytes)")
        }
        let parts = compact.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw VerificationError(.malformed, object, "a compact JWS has 3 dot-separated parts, found \(parts.count)")
        }
        do {
            let headerBytes = try Base64URL.decode(Substring(parts[0]))
            header = try JWSHeader.decode(headerBytes, object: object + " header")
            payload = try Base64URL.decode(Substring(parts[1]))
            signature = try Base64URL.decode(Substring(parts[2]))
        } catch let error as VerificationError {
            throw error
        } catch {
            throw VerificationError(.malformed, object, "cannot decode the JWS: \(error)")
        }
        guard header.alg == "EdDSA" else {
            throw VerificationError(.unsupportedAlgorithm, object, "alg is \(header.alg), only EdDSA is accepted")
        }
        self.compact = compact
        self.hash = Self.hash(of: compact)
    }

    private init(compact: String, header: JWSHeader, payload: [UInt8], signature: [UInt8]) {
        self.compact = compact
        self.header = header
        self.payload = payload
        self.signature = signature
        self.hash = Self.hash(of: compact)
    }

    /// Signs `payload` with `key`; the header names `typ` and the key's thumbprint.
    public static func sign(payload: [UInt8], typ: String, key: Ed25519PrivateKey) throws(CryptoError) -> JWS {
        let header = JWSHeader(typ: typ, kid: key.publicKey.thumbprint)
        let headerJSON = #"{"alg":"EdDSA","kid":""# + header.kid + #"","typ":""# + typ + #""}"#
        let signingInput = Base64URL.encode(Array(headerJSON.utf8)) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Array(signingInput.utf8))
        return JWS(compact: signingInput + "." + Base64URL.encode(signature), header: header, payload: payload, signature: signature)
    }

    /// How many bytes ``sign(payload:typ:key:)`` writes for a payload of `payloadBytes` bytes.
    public static func compactSize(payloadBytes: Int, typ: String, kid: String) -> Int {
        func encoded(_ count: Int) -> Int { (count * 4 + 2) / 3 }
        let header = #"{"alg":"EdDSA","kid":"","typ":""}"#.utf8.count + kid.utf8.count + typ.utf8.count
        return encoded(header) + 1 + encoded(payloadBytes) + 1 + encoded(64)
    }

    /// The bytes the signature covers: everything before the last dot.
    public var signingInput: ArraySlice<UInt8> {
        let bytes = Array(compact.utf8)
        let lastDot = bytes.lastIndex(of: UInt8(ascii: "."))!
        return bytes[..<lastDot]
    }

    public func isSigned(by key: Ed25519PublicKey) -> Bool {
        key.isValidSignature(signature, for: signingInput)
    }
}

extension JWS: Sendable {}

extension JWS {
    /// The protected header of a compact serialization, reading nothing else; nil when it does not read.
    public static func header(of compact: String) -> JWSHeader? {
        guard let dot = compact.utf8.firstIndex(of: UInt8(ascii: ".")),
              let bytes = try? Base64URL.decode(Substring(compact.utf8[..<dot])) else { return nil }
        return try? JWSHeader.decode(bytes)
    }

    /// The hash of a compact serialization, without parsing it.
    public static func hash(of compact: String) -> String {
        Base64URL.encode(SHA256Digest.hash(Array(compact.utf8)))
    }
}
