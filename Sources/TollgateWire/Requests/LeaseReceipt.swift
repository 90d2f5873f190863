import Foundation
import TollgateCertificates

/// What a lease server answers a machine's lease request with: the current license file, in
/// `lease` the signed lease (for `lease`, `heartbeat` and `borrow`) or the signed release (for
/// `release`), and for a site's leases the site activation that makes the site the license's
/// lease server; the three are what the machine's offline check of the lease needs.
public struct LeaseReceipt: Codable, Hashable, Sendable {
    public static let format = "tollgate-lease-receipt/1"

    public var format: String
    public var license: LicenseFile
    /// Compact JWS: a `tollgate-lease+jws` or a `tollgate-lease-release+jws`.
    public var lease: String
    public var siteActivation: String?

    public init(license: LicenseFile, lease: String, siteActivation: String?) {
        self.format = Self.format
        self.license = license
        self.lease = lease
        self.siteActivation = siteActivation
    }

    enum CodingKeys: String, CodingKey {
        case format, license, lease
        case siteActivation = "site_activation"
    }

    /// The JSON form, keys sorted: the response body.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes a response body, checking its format and its license file's.
    public init(data: Data) throws(WireError) {
        let decoded: LeaseReceipt
        do {
            decoded = try JSONDecoder().decode(LeaseReceipt.self, from: data)
        } catch {
            throw WireError(.malformed, "not a Tollgate lease receipt: \(error)")
        }
        guard decoded.format == Self.format else {
            throw WireError(.wrongFormat, "the receipt's format is \(decoded.format), expected \(Self.format)")
        }
        guard decoded.license.format == LicenseFile.format else {
            throw WireError(.wrongFormat, "the receipt's license file format is \(decoded.license.format), expected \(LicenseFile.format)")
        }
        self = decoded
    }

    /// The JWS `typ` of `lease`, telling a lease from a release without verifying.
    public var objectType: String? {
        try? JWS(compact: lease, object: "lease").header.typ
    }
}
