/// A strict RFC 8259 syntax check run before any JSON from outside reaches `JSONDecoder`.
///
/// `JSONDecoder` keeps the first of two members with the same name, while many JOSE libraries keep
/// the last, so `{"seats":[2,3],"seats":[2,5002]}` would mean one seat to us and 5,000 to a customer's
/// verifier. RFC 7515 §4 lets a JWS parser refuse duplicate member names, and we do, at every level
/// (names compared after unescaping, so `"seat\u0073"` is `"seats"`). Nesting is bounded by
/// ``ObjectLimits/maxNesting``. It checks syntax only; the decoder then reads the values.
public struct StrictJSON {
    private let bytes: [UInt8]
    private let object: String
    private var position = 0
    private var depth = 0

    private init(_ bytes: [UInt8], object: String) {
        self.bytes = bytes
        self.object = object
    }

    /// Checks `bytes` is one JSON value with no duplicate member names; `object` names it in errors.
    public static func check(_ bytes: [UInt8], object: String) throws(VerificationError) {
        _ = try memberNames(bytes, object: object, topLevelObject: false)
    }

    /// As ``check(_:object:)`` for a value that must be an object; returns its member names in order.
    public static func memberNames(of bytes: [UInt8], object: String) throws(VerificationError) -> [String] {
        try memberNames(bytes, object: object, topLevelObject: true)
    }

    private static func memberNames(_ bytes: [UInt8], object: String, topLevelObject: Bool) throws(VerificationError) -> [String] {
        var scanner = StrictJSON(bytes, object: object)
        scanner.skipWhitespace()
        var names: [String] = []
        if topLevelObject {
            guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.failure("the JSON text is not an object") }
            names = try scanner.objectValue()
        } else {
            try scanner.value()
        }
        scanner.skipWhitespace()
        guard scanner.position == bytes.count else { throw scanner.failure("text follows the JSON value") }
        return names
    }

    private func failure(_ reason: String, file: String = #fileID, line: UInt = #line) -> VerificationError {
        VerificationError(.malformed, object, "\(reason) (at byte \(position))", file: file, line: line)
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(VerificationError) {
        guard peek() == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    private mutating func value() throws(VerificationError) {
        skipWhitespace()
        guard let byte = peek() else { throw failure("a value is missing") }
        switch byte {
        case UInt8(ascii: "{"): _ = try objectValue()
        case UInt8(ascii: "["): try arrayValue()
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw failure("no JSON value starts with byte \(byte)")
        }
    }

    private mutating func nest() throws(VerificationError) {
        depth += 1
        guard depth <= ObjectLimits.maxNesting else { throw failure("nesting is deeper than \(ObjectLimits.maxNesting)") }
    }

    /// Reads an object and returns its member names, refusing a name that appears twice.
    private mutating func objectValue() throws(VerificationError) -> [String] {
        try nest()
        try expect(UInt8(ascii: "{"))
        var names: [String] = []
        var seen: Set<[UInt8]> = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return names
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("a member name must be a string") }
            let name = try string()
            guard seen.insert(name).inserted else {
                throw VerificationError(.duplicateMember, object, "member \"\(String(decoding: name, as: UTF8.self))\" appears twice (RFC 7515 §4: names are unique)")
            }
            names.append(String(decoding: name, as: UTF8.self))
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            try value()
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            depth -= 1
            return names
        }
    }

    private mutating func arrayValue() throws(VerificationError) {
        try nest()
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return
        }
        while true {
            try value()
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            depth -= 1
            return
        }
    }

    private mutating func literal(_ text: String) throws(VerificationError) {
        let literal = Array(text.utf8)
        guard bytes.count - position >= literal.count, bytes[position..<position + literal.count].elementsEqual(literal) else {
            throw failure("not a JSON literal")
        }
        position += literal.count
    }

    private mutating func digits() throws(VerificationError) {
        guard let first = peek(), first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { throw failure("a digit is missing") }
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
    }

    private mutating func number() throws(VerificationError) {
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else {
            try digits()
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            try digits()
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            try digits()
        }
    }

    /// Reads a string and returns its unescaped UTF-8 bytes (for comparing member names).
    private mutating func string() throws(VerificationError) -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while let byte = peek() {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return out
            case UInt8(ascii: "\\"):
                guard let escape = peek() else { throw failure("an escape is cut short") }
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out += try unicodeEscape()
                default: throw failure("\\\(Character(Unicode.Scalar(escape))) is not a JSON escape")
                }
            case 0x00..<0x20:
                throw failure("a control character inside a string")
            default:
                out.append(byte)
            }
        }
        throw failure("a string is not closed")
    }

    private mutating func hexQuad() throws(VerificationError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw failure("a \\u escape is cut short") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// The UTF-8 of a `\uXXXX` escape (after the `u`), joining a surrogate pair; a lone surrogate
    /// is refused, as the decoder would not read it as the same name either.
    private mutating func unicodeEscape() throws(VerificationError) -> [UInt8] {
        var scalarValue = try hexQuad()
        if (0xD800...0xDBFF).contains(scalarValue) {
            guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw failure("a high surrogate without its low half")
            }
            position += 2
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("a high surrogate without its low half") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("a lone surrogate in a \\u escape") }
        return Array(String(Character(scalar)).utf8)
    }
}
