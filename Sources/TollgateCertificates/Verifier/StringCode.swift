/// A stable, extensible name encoded as a plain JSON string: the shape of rule names, finding kinds
/// and evidence roles (swift-certificates' extensible error codes, made Codable).
public protocol StringCode: Hashable, Sendable, Codable, CustomStringConvertible {
    var rawValue: String { get }
    init(_ rawValue: String)
}

extension StringCode {
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
