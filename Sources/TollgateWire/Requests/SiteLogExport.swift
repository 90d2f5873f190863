import Foundation
import TollgateCertificates

/// A closed site's whole log as a file: the entries, and a checkpoint the site signed over them, so
/// the agent an operator carries it to can check every entry against the site's key (bound by the
/// license's site activation) before it takes the site's leases into its own log.
public struct SiteLogExport: Codable, Sendable {
    public static let format = "tollgate-site-log/1"

    public var format: String
    /// base64url of the site node's raw Ed25519 public key.
    public var site: String
    /// The site's signed checkpoint (C2SP signed note) of `entries`.
    public var checkpoint: String
    public var entries: [APIBodies.EntryBody]

    public init(site: String, checkpoint: String, entries: [APIBodies.EntryBody]) {
        self.format = Self.format
        self.site = site
        self.checkpoint = checkpoint
        self.entries = entries
    }

    /// The JSON form, keys sorted: the file an operator carries.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes a site log file, checking its format.
    public init(data: Data) throws(WireError) {
        let decoded: SiteLogExport
        do {
            decoded = try JSONDecoder().decode(SiteLogExport.self, from: data)
        } catch {
            throw WireError(.malformed, "not a Tollgate site log: \(error)")
        }
        guard decoded.format == Self.format else {
            throw WireError(.wrongFormat, "the site log's format is \(decoded.format), expected \(Self.format)")
        }
        self = decoded
    }
}
