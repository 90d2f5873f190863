import Foundation

/// The protected header of a Tollgate JWS: always `alg: EdDSA`, a `typ` naming the object kind,
/// and `kid`, the RFC 7638 thumbprint of the signing key.
public struct JWSHeader: Codable, Hashable {
    public var alg: String
    public var typ: String
    public var kid: String

    public init(typ: String, kid: String) {
        self.alg = "EdDSA"
        self.typ = typ
        self.kid = kid
    }
}

extension JWSHeader {
    /// Reads a header: the signer's exact form directly, anything else through the JSON decoder.
    static func decode(_ bytes: [UInt8]) throws -> JWSHeader {
        try JWSHeader(signedForm: bytes) ?? JSONDecoder().decode(JWSHeader.self, from: Data(bytes))
    }

    private static let prefix = Array(#"{"alg":"EdDSA","kid":""#.utf8)
    private static let middle = Array(#"","typ":""#.utf8)
    private static let suffix = Array(#""}"#.utf8)

    /// Reads the exact form ``JWS/sign(payload:typ:key:)`` writes,
    /// `{"alg":"EdDSA","kid":"…","typ":"…"}` with printable ASCII and no escapes in `kid` and `typ`,
    /// without a JSON decoder; nil for anything else, which the JSON decoder then reads. Where it
    /// answers, it answers what the JSON decoder would.
    init?(signedForm bytes: [UInt8]) {
        func isPlain(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") }
        guard bytes.count > Self.prefix.count + Self.middle.count + Self.suffix.count,
              bytes.starts(with: Self.prefix), bytes.suffix(Self.suffix.count).elementsEqual(Self.suffix) else { return nil }
        let kidStart = Self.prefix.count
        var kidEnd = kidStart
        while kidEnd < bytes.count, isPlain(bytes[kidEnd]) { kidEnd += 1 }
        let typStart = kidEnd + Self.middle.count
        let typEnd = bytes.count - Self.suffix.count
        guard typStart <= typEnd, bytes[kidEnd..<typStart].elementsEqual(Self.middle),
              bytes[typStart..<typEnd].allSatisfy(isPlain) else { return nil }
        self.init(typ: String(decoding: bytes[typStart..<typEnd], as: UTF8.self), kid: String(decoding: bytes[kidStart..<kidEnd], as: UTF8.self))
    }
}

extension JWSHeader: Sendable {}
