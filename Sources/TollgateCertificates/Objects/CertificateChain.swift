import Foundation

/// A certificate with its ancestors, root first, as handed from a parent to a child node.
/// Stored as JSON `{"format": ..., "chain": [...]}`.
public struct CertificateChain: Codable, Hashable {
    public static let format = "tollgate-certificate-chain/1"

    public var format: String
    public var chain: [String]

    public init(chain: [String]) {
        self.format = Self.format
        self.chain = chain
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public init(data: Data) throws(VerificationError) {
        let decoded: CertificateChain
        do {
            decoded = try JSONDecoder().decode(CertificateChain.self, from: data)
        } catch {
            throw VerificationError(.malformed, "certificate chain file", "not a Tollgate certificate chain: \(error)")
        }
        guard decoded.format == Self.format else {
            throw VerificationError(.malformed, "certificate chain file", "format is \(decoded.format), expected \(Self.format)")
        }
        self = decoded
    }
}

extension CertificateChain: Sendable {}

extension CertificateChain {
    /// The chain as one line of text: compact JWSs joined by spaces (JWS never contains a space).
    public static func encodeChainText(_ chain: [String]) -> String { chain.joined(separator: " ") }

    public static func decodeChainText(_ text: String) throws(VerificationError) -> [String] {
        let chain = text.split(separator: " ").map(String.init)
        guard !chain.isEmpty else { throw VerificationError(.emptyChain, "stored chain", "no certificate") }
        return chain
    }
}
