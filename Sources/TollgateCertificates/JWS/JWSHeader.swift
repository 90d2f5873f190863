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
    /// The members a Tollgate header may hold. Anything else is refused: in particular `crit`
    /// (RFC 7515 §4.1.11), since we define no extensions, so a header can never ask for a
    /// processing rule we would silently skip.
    public static let members: Set<String> = ["alg", "kid", "typ"]

    /// Reads a header: the signer's exact form directly, anything else through the strict syntax
    /// check (no member twice, only ``members``) and then the JSON decoder.
    static func decode(_ bytes: [UInt8], object: String = "header") throws -> JWSHeader {
        if let header = JWSHeader(signedForm: bytes) { return header }
        let names = try StrictJSON.memberNames(of: bytes, object: object)
        if names.contains("crit") {
            throw VerificationError(.criticalExtension, object, "the header names critical extensions (crit); none is understood here")
        }
        if let unknown = names.first(where: { !members.contains($0) }) {
            throw VerificationError(.unknownHeaderMember, object, "the header holds \"\(unknown)\"; only alg, kid and typ are defined")
        }
        return try JSONDecoder().decode(JWSHeader.self, from: Data(bytes))
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
