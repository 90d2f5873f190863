/// Reads the JSON that ``CanonicalJSONWriter`` writes for the payloads read on every check (no
/// whitespace, plain integers, UTF-8 strings with short escapes), without the `Decodable` tree.
/// It is a fast path only: anything else — whitespace, an unknown or repeated key, a fraction or
/// exponent, a `\u` escape, a control or DEL byte, text that is not UTF-8, a number out of range —
/// makes the reading give up (nil), and the caller hands the bytes to `JSONDecoder`, which decides.
/// Where it answers, it answers what `JSONDecoder` would.
public struct CanonicalJSONReader {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte was read.
    public var isAtEnd: Bool { position == bytes.count }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    // MARK: Containers

    /// Reads an object, handing each key to `member`, which must read its value; false when the
    /// text is not a plain object or `member` gives up on a key.
    public mutating func object(_ member: (String, inout CanonicalJSONReader) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), member(key, &self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// Reads an array whose elements `element` reads; false when the text is not a plain array or
    /// `element` gives up.
    public mutating func array(_ element: (inout CanonicalJSONReader) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]"))
    }

    /// Reads an array whose elements `element` reads; nil when it gives up on one.
    public mutating func array<Element>(of element: (inout CanonicalJSONReader) -> Element?) -> [Element]? {
        var values: [Element] = []
        let read = array { json in
            guard let value = element(&json) else { return false }
            values.append(value)
            return true
        }
        return read ? values : nil
    }

    /// Reads an array of strings.
    public mutating func strings() -> [String]? {
        array { $0.string() }
    }

    /// Reads `[start,end]`, as ``SerialRange`` encodes itself.
    public mutating func serialRange() -> SerialRange? {
        guard take(UInt8(ascii: "[")), let start = unsigned(), take(UInt8(ascii: ",")), let end = unsigned(),
              take(UInt8(ascii: "]")) else { return nil }
        return SerialRange(start, end)
    }

    /// Reads `null`, which an optional member may hold; true if it was there.
    public mutating func null() -> Bool {
        guard bytes.count - position >= 4, bytes[position] == UInt8(ascii: "n"), bytes[position + 1] == UInt8(ascii: "u"),
              bytes[position + 2] == UInt8(ascii: "l"), bytes[position + 3] == UInt8(ascii: "l") else { return false }
        position += 4
        return true
    }

    // MARK: Scalars

    /// Reads a string of valid UTF-8 without control or DEL bytes, with `\"`, `\\`, `\/`, `\b`, `\f`,
    /// `\n`, `\r`, `\t` escapes.
    public mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var plain = true
        var ascii = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let raw = bytes[start..<position]
                position += 1
                if ascii { return plain ? String(decoding: raw, as: UTF8.self) : String(decoding: unescape(raw), as: UTF8.self) }
                return plain ? String(validating: raw, as: UTF8.self) : String(validating: unescape(raw), as: UTF8.self)
            }
            guard byte >= 0x20, byte != 0x7f else { return nil }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") {
                plain = false
                position += 1
                guard position < bytes.count, Self.escaped(bytes[position]) != nil else { return nil }
            }
            position += 1
        }
        return nil
    }

    private func unescape(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var escape = false
        for byte in raw {
            if escape {
                out.append(Self.escaped(byte)!)
                escape = false
            } else if byte == UInt8(ascii: "\\") {
                escape = true
            } else {
                out.append(byte)
            }
        }
        return out
    }

    private static func escaped(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// Reads digits with no leading zero (but `0` itself), up to `limit`.
    private mutating func digits(limit: UInt64) -> UInt64? {
        guard let first = peek(), first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return nil }
        var value: UInt64 = 0
        let start = position
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflowA, !overflowB, sum <= limit else { return nil }
            value = sum
            position += 1
        }
        if first == UInt8(ascii: "0") && position - start > 1 { return nil }
        // A fraction or an exponent is for JSONDecoder to judge.
        if let next = peek(), next == UInt8(ascii: "e") || next == UInt8(ascii: "E") || next == UInt8(ascii: ".") { return nil }
        return value
    }

    /// Reads a non-negative integer.
    public mutating func unsigned() -> UInt64? {
        digits(limit: .max)
    }

    /// Reads an integer; `-0` is left to JSONDecoder.
    public mutating func integer() -> Int64? {
        if take(UInt8(ascii: "-")) {
            guard let magnitude = digits(limit: UInt64(Int64.max) + 1), magnitude != 0 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        return digits(limit: UInt64(Int64.max)).map { Int64($0) }
    }

    /// Fills `slot` with `value` once: false when the key was there before or the value did not read.
    public static func once<Value>(_ slot: inout Value?, _ value: Value?) -> Bool {
        guard slot == nil, let value else { return false }
        slot = value
        return true
    }

    /// Reads an optional member's value: `null` or what `read` reads; nil when neither.
    public mutating func optional<Value>(_ read: (inout CanonicalJSONReader) -> Value?) -> Value?? {
        if null() { return .some(nil) }
        return read(&self).map { .some($0) }
    }
}
