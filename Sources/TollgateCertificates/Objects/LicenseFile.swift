import Foundation

/// A license with its certificate chain, root first: everything needed to verify it with only the
/// vendor's public key. Stored as JSON `{"chain": [...], "license": "..."}`.
public struct LicenseFile: Codable, Hashable {
    public static let format = "tollgate-license-file/1"

    public var format: String
    public var chain: [String]
    public var license: String

    public init(chain: [String], license: String) {
        self.format = Self.format
        self.chain = chain
        self.license = license
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public init(data: Data) throws(VerificationError) {
        let decoded: LicenseFile
        do {
            decoded = try JSONDecoder().decode(LicenseFile.self, from: data)
        } catch {
            throw VerificationError(.malformed, "license file", "not a Tollgate license file: \(error)")
        }
        guard decoded.format == Self.format else {
            throw VerificationError(.malformed, "license file", "format is \(decoded.format), expected \(Self.format)")
        }
        self = decoded
    }
}

extension LicenseFile: Sendable {}
