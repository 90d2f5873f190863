import Foundation
import TollgateCertificates

/// What a node answers a machine request with, online or as an offline response file: the current
/// license file (a renewal may have replaced the one the machine had) and, in `activation`, the signed
/// activation (for `activate` and `emergency`) or the signed deactivation (for `deactivate`).
public struct ActivationReceipt: Codable, Hashable, Sendable {
    public static let format = "tollgate-activation-receipt/1"

    public var format: String
    public var license: LicenseFile
    /// Compact JWS: a `tollgate-activation+jws` or a `tollgate-deactivation+jws`.
    public var activation: String

    public init(license: LicenseFile, activation: String) {
        self.format = Self.format
        self.license = license
        self.activation = activation
    }

    /// The JSON form, keys sorted: the response body and the offline response file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes a response body or file, checking its format and its license file's.
    public init(data: Data) throws(WireError) {
        let decoded: ActivationReceipt
        do {
            decoded = try JSONDecoder().decode(ActivationReceipt.self, from: data)
        } catch {
            throw WireError(.malformed, "not a Tollgate activation receipt: \(error)")
        }
        guard decoded.format == Self.format else {
            throw WireError(.wrongFormat, "the receipt's format is \(decoded.format), expected \(Self.format)")
        }
        // Decoded as a member, the license file skips the format check of LicenseFile(data:).
        guard decoded.license.format == LicenseFile.format else {
            throw WireError(.wrongFormat, "the receipt's license file format is \(decoded.license.format), expected \(LicenseFile.format)")
        }
        self = decoded
    }

    /// The JWS `typ` of `activation`, telling an activation from a deactivation without verifying.
    public var objectType: String? {
        try? JWS(compact: activation, object: "activation").header.typ
    }
}
