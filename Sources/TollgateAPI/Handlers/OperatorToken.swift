import Foundation
import TollgateCrypto

/// The bearer token operator calls must carry. Compared in constant time.
public struct OperatorToken: Sendable {
    let value: [UInt8]

    public init(_ value: String) {
        self.value = Array(value.utf8)
    }

    /// A new random token (256 bits, base64url).
    public static func generate() throws -> String {
        Base64URL.encode(try SecureRandom.bytes(count: 32))
    }

    /// Whether an `Authorization` header value carries this token.
    func accepts(authorization: String?) -> Bool {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        return accepts(token: String(authorization.dropFirst("Bearer ".count)))
    }

    /// Whether `token` is this token (the console's login form posts it in its body).
    public func accepts(token: String) -> Bool {
        let presented = Array(token.utf8)
        guard presented.count == value.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(presented, value) { difference |= a ^ b }
        return difference == 0
    }
}
