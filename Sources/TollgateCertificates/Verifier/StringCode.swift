import TollgateCrypto

/// An ``ErrorCode`` that is also encoded as a plain JSON string: the shape of rule names, finding
/// kinds and evidence roles, which travel in findings and reports.
public protocol StringCode: ErrorCode, Codable {}

extension StringCode {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
