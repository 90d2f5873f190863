/// A half-open range of seat serials `[start, end)`, encoded as `[start, end]` in JSON.
public struct SerialRange: Hashable, Comparable, CustomStringConvertible {
    public var start: UInt64
    public var end: UInt64

    /// Serials stay below 2^53 so every JSON implementation reads them exactly.
    public static let limit: UInt64 = ObjectLimits.maxIndex

    public init(_ start: UInt64, _ end: UInt64) {
        self.start = start
        self.end = end
    }

    public var count: UInt64 { end > start ? end - start : 0 }
    public var isValid: Bool { start < end && end <= Self.limit }

    public func contains(_ serial: UInt64) -> Bool { serial >= start && serial < end }
    public func contains(_ other: SerialRange) -> Bool { other.start >= start && other.end <= end }
    public func overlaps(_ other: SerialRange) -> Bool { start < other.end && other.start < end }

    public static func < (lhs: SerialRange, rhs: SerialRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public var description: String { "[\(start), \(end))" }

    /// Parses `START..END` (half-open) or `START+COUNT`.
    public init?(parsing text: String) {
        if let dots = text.range(of: "..") {
            guard let start = UInt64(text[..<dots.lowerBound]), let end = UInt64(text[dots.upperBound...]) else { return nil }
            self.init(start, end)
        } else if let plus = text.firstIndex(of: "+") {
            guard let start = UInt64(text[..<plus]), let count = UInt64(text[text.index(after: plus)...]) else { return nil }
            let (end, overflow) = start.addingReportingOverflow(count)
            guard !overflow else { return nil }
            self.init(start, end)
        } else {
            return nil
        }
    }
}

extension SerialRange: Codable {
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let start = try container.decode(UInt64.self)
        let end = try container.decode(UInt64.self)
        guard container.isAtEnd else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a serial range is [start, end]")
        }
        self.init(start, end)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(start)
        try container.encode(end)
    }
}

extension SerialRange: Sendable {}
