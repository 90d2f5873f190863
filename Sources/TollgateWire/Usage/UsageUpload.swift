import Foundation
import TollgateCertificates

/// A machine's usage records for one license, on their way to the issuing agent: the body of an
/// online upload and the content of a usage file carried by hand. Each record is signed by the
/// machine, so the upload needs no other credential; the agent checks every link of the chain.
public struct UsageUpload: Codable, Hashable, Sendable {
    public static let format = "tollgate-usage-upload/1"
    /// Most records one upload may carry; a machine with more sends them in several.
    public static let maxRecords = 1_000

    public var format: String
    /// Compact JWS `tollgate-usage+jws` records of one chain, in sequence order.
    public var records: [String]

    public init(records: [String]) {
        self.format = Self.format
        self.records = records
    }

    /// The JSON form, keys sorted: the request body and the usage file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes a body or file, checking its format.
    public init(data: Data) throws(WireError) {
        let decoded: UsageUpload
        do {
            try StrictJSON.check(Array(data), object: "usage upload")
            decoded = try JSONDecoder().decode(UsageUpload.self, from: data)
        } catch {
            throw WireError(.malformed, "not a Tollgate usage upload: \(error)")
        }
        guard decoded.format == Self.format else {
            throw WireError(.wrongFormat, "the usage upload's format is \(decoded.format), expected \(Self.format)")
        }
        self = decoded
    }
}
