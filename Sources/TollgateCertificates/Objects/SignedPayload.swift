import Foundation

/// The claims of one kind of signed object.
public protocol SignedPayload: Codable, Hashable, Sendable {
    /// The JWS `typ` header value for this kind.
    static var type: String { get }
    /// A short noun for messages: "certificate", "license", …
    static var noun: String { get }
    /// Checks field formats that JSON decoding cannot (codes, ranges, non-empty ids).
    func validateFields(object: String) throws(VerificationError)
    /// The claims read from the canonical JSON that signing writes, without the JSON decoder; nil
    /// leaves the bytes to the decoder. Where it answers, it answers what the decoder would.
    static func read(canonicalJSON bytes: [UInt8]) -> Self?
}

extension SignedPayload {
    /// Leaves every payload to the JSON decoder.
    public static func read(canonicalJSON bytes: [UInt8]) -> Self? {
        nil
    }

    /// The deterministic JSON encoding that is signed (see `CanonicalJSON`).
    public func encodedPayload() throws -> [UInt8] {
        try CanonicalJSON.encode(self)
    }
}

/// Field format checks shared by all payloads.
enum FieldFormat {
    static func country(_ code: String, _ field: String, _ object: String) throws(VerificationError) {
        guard code.utf8.count == 2, code.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw VerificationError(.invalidField, object, "\(field) '\(code)' is not an ISO 3166-1 alpha-2 code")
        }
    }

    static func currency(_ code: String, _ object: String) throws(VerificationError) {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw VerificationError(.invalidField, object, "currency '\(code)' is not an ISO 4217 code")
        }
    }

    static func nonEmpty(_ value: String, _ field: String, _ object: String) throws(VerificationError) {
        guard !value.isEmpty, value.utf8.count <= 256 else {
            throw VerificationError(.invalidField, object, "\(field) must be 1 to 256 bytes")
        }
    }

    static func window(nbf: Int64, exp: Int64?, _ object: String) throws(VerificationError) {
        if let exp, exp <= nbf {
            throw VerificationError(.invalidField, object, "exp \(exp) is not after nbf \(nbf)")
        }
    }
}
