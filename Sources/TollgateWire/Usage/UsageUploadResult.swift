import Foundation
import TollgateCertificates

/// The agent's answer to a usage upload, online or as a file the machine installs: the signed
/// receipt of the chain head as logged, and what became of the records sent.
public struct UsageUploadResult: Codable, Hashable, Sendable {
    public static let format = "tollgate-usage-result/1"

    public var format: String
    /// Compact JWS `tollgate-usage-receipt+jws` of the chain head.
    public var receipt: String
    /// Records logged by this upload.
    public var accepted: Int
    /// Records already logged before (a re-upload changes nothing).
    public var duplicates: Int
    /// Hashes of records that fork the logged chain (a second record after one predecessor): kept in
    /// the log as evidence of a rolled-back machine, not added to the chain and not billed.
    public var forked: [String]

    public init(receipt: String, accepted: Int, duplicates: Int, forked: [String]) {
        self.format = Self.format
        self.receipt = receipt
        self.accepted = accepted
        self.duplicates = duplicates
        self.forked = forked
    }

    /// The JSON form, keys sorted: the response body and the receipt file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes a response body or receipt file, checking its format.
    public init(data: Data) throws(WireError) {
        let decoded: UsageUploadResult
        do {
            decoded = try JSONDecoder().decode(UsageUploadResult.self, from: data)
        } catch {
            throw WireError(.malformed, "not a Tollgate usage receipt file: \(error)")
        }
        guard decoded.format == Self.format else {
            throw WireError(.wrongFormat, "the usage receipt file's format is \(decoded.format), expected \(Self.format)")
        }
        self = decoded
    }
}
