import Foundation
import TollgateCertificates

/// What a machine gets back for an activation: the activation and the current license file (a
/// renewal may have replaced the one it had). The same JSON is the offline response file.
public struct ActivationReceipt: Codable, Hashable, Sendable {
    public static let format = "tollgate-activation-receipt/1"

    public var format: String
    public var license: LicenseFile
    public var activation: String

    public init(license: LicenseFile, activation: String) {
        self.format = Self.format
        self.license = license
        self.activation = activation
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public init(data: Data) throws(NodeError) {
        do {
            self = try JSONDecoder().decode(ActivationReceipt.self, from: data)
        } catch {
            throw NodeError(.invalidRequest, "not a Tollgate activation receipt: \(error)")
        }
        guard format == Self.format else { throw NodeError(.invalidRequest, "format is \(format), expected \(Self.format)") }
    }
}
