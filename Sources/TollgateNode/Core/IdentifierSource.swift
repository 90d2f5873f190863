import TollgateCrypto

/// Where a node gets unique ids (`jti`) from: secure randomness in production, a seeded sequence in
/// the simulator, so a run replays exactly.
public struct IdentifierSource: Sendable {
    private let next: @Sendable () -> String

    public init(_ next: @escaping @Sendable () -> String) {
        self.next = next
    }

    public func make() -> String { next() }

    /// 128 random bits, base64url, drawn from OpenSSL's generator in blocks.
    public static let secureRandom: IdentifierSource = {
        let pool = SecureRandomPool()
        return IdentifierSource {
            // RAND_bytes only fails when OpenSSL cannot seed itself, which leaves nothing safe to do.
            guard let bytes = try? pool.bytes(count: 16) else { preconditionFailure("OpenSSL's random generator failed") }
            return Base64URL.encode(bytes)
        }
    }()
}
