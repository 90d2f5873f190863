import Foundation
import TollgateCertificates

/// What a node answers a machine request with, online or as an offline response file: the current
/// license file and, in `activation`, the signed activation (for `activate` and `emergency`) or the
/// signed deactivation (for `deactivate`). The JSON is the node's activation receipt.
public struct ActivationResponse: Codable, Hashable {
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

    /// Decodes a response file or body, checking its format.
    public init(data: Data) throws(ClientError) {
        let decoded: ActivationResponse
        do {
            decoded = try JSONDecoder().decode(ActivationResponse.self, from: data)
        } catch {
            throw ClientError(.malformed, "not a Tollgate activation response: \(error)")
        }
        guard decoded.format == Self.format else {
            throw ClientError(.malformed, "the response format is \(decoded.format), expected \(Self.format)")
        }
        // Decoded as a member, the license file skips the format check of LicenseFile(data:).
        guard decoded.license.format == LicenseFile.format else {
            throw ClientError(.malformed, "the response's license file format is \(decoded.license.format), expected \(LicenseFile.format)")
        }
        self = decoded
    }

    /// The JSON form, keys sorted.
    public func encoded() throws(ClientError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw ClientError(.malformed, "cannot encode the activation response: \(error)")
        }
    }

    /// The JWS `typ` of `activation`, telling an activation from a deactivation without verifying.
    public var objectType: String? {
        try? JWS(compact: activation, object: "activation").header.typ
    }
}

extension ActivationResponse: Sendable {}
