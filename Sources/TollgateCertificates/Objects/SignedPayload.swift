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
public enum FieldFormat {
    /// Whether `code` has the shape of an ISO 3166-1 alpha-2 code: two capital ASCII letters.
    public static func isCountryCode(_ code: String) -> Bool {
        code.utf8.count == 2 && code.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    static func country(_ code: String, _ field: String, _ object: String) throws(VerificationError) {
        guard isCountryCode(code) else {
            throw VerificationError(.invalidField, object, "\(field) '\(code)' is not an ISO 3166-1 alpha-2 code")
        }
    }

    static func currency(_ code: String, _ object: String) throws(VerificationError) {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw VerificationError(.invalidField, object, "currency '\(code)' is not an ISO 4217 code")
        }
    }

    static func nonEmpty(_ value: String, _ field: String, _ object: String) throws(VerificationError) {
        guard !value.isEmpty, value.utf8.count <= ObjectLimits.maxStringBytes else {
            throw VerificationError(.invalidField, object, "\(field) must be 1 to \(ObjectLimits.maxStringBytes) bytes")
        }
    }

    /// A time inside ``ObjectLimits/earliestTime`` … ``ObjectLimits/latestTime``.
    static func time(_ value: Int64, _ field: String, _ object: String) throws(VerificationError) {
        guard value >= ObjectLimits.earliestTime, value <= ObjectLimits.latestTime else {
            throw VerificationError(.invalidField, object, "\(field) \(value) is outside the times an object may carry (0 to \(ObjectLimits.latestTime), the end of year 9999)")
        }
    }

    /// A price or floor from 0 to ``ObjectLimits/maxAmount`` minor units.
    static func amount(_ value: Int64, _ field: String, _ object: String) throws(VerificationError) {
        guard value >= 0, value <= ObjectLimits.maxAmount else {
            throw VerificationError(.invalidField, object, "\(field) \(value) is outside 0 to \(ObjectLimits.maxAmount) minor units")
        }
    }

    /// A non-empty list of at most ``ObjectLimits/maxListCount`` distinct entries, each checked by `entry`.
    static func list(_ values: [String], _ field: String, _ object: String, allowEmpty: Bool = false,
                     entry: (String) throws(VerificationError) -> Void) throws(VerificationError) {
        guard allowEmpty || !values.isEmpty else { throw VerificationError(.invalidField, object, "\(field) is empty") }
        guard values.count <= ObjectLimits.maxListCount else {
            throw VerificationError(.invalidField, object, "\(field) has \(values.count) entries, the limit is \(ObjectLimits.maxListCount)")
        }
        guard Set(values).count == values.count else {
            throw VerificationError(.invalidField, object, "\(field) repeats an entry")
        }
        for value in values { try entry(value) }
    }

    /// A serial or log position below ``ObjectLimits/maxIndex``.
    static func index(_ value: UInt64, _ field: String, _ object: String) throws(VerificationError) {
        guard value < ObjectLimits.maxIndex else {
            throw VerificationError(.invalidField, object, "\(field) \(value) is beyond 2^53")
        }
    }

    static func window(nbf: Int64, exp: Int64?, _ object: String) throws(VerificationError) {
        try time(nbf, "nbf", object)
        if let exp {
            try time(exp, "exp", object)
            guard exp > nbf else { throw VerificationError(.invalidField, object, "exp \(TimeText.iso(exp)) is not after nbf \(TimeText.iso(nbf))") }
        }
    }
}
