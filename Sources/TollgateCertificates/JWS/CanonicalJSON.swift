/// The JSON encoding of signed payloads: object keys sorted by their UTF-8 bytes, no insignificant
/// whitespace, `/` not escaped, integers only, absent optionals omitted. Deterministic, so test
/// vectors rebuild byte for byte, and several times faster than Foundation's `JSONEncoder`, which
/// matters because a payload is encoded for every license and activation signed.
public enum CanonicalJSON {
    /// The canonical JSON of `value`: written directly when it is ``CanonicalJSONWritable``, else
    /// through its `Encodable` conformance.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if let writable = value as? any CanonicalJSONWritable {
            var json = CanonicalJSONWriter()
            writable.write(to: &json)
            return json.bytes
        }
        return try encodeThroughCodable(value)
    }

    /// The canonical JSON of `value` through its `Encodable` conformance, even when it writes itself:
    /// what a ``CanonicalJSONWritable`` conformance must match.
    /// Throws ``VerificationError`` (`invalid_field`) for a floating-point number, which has no one
    /// canonical form.
    public static func encodeThroughCodable<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = Slot()
        try value.encode(to: TreeEncoder(slot: root, codingPath: []))
        var output: [UInt8] = []
        output.reserveCapacity(512)
        try write(root.value ?? .null, into: &output)
        return output
    }

    enum Value {
        case object(ObjectBox)
        case array(ArrayBox)
        case string(String)
        case integer(String)
        case bool(Bool)
        case null
    }

    final class Slot {
        var value: Value?
        init(_ value: Value? = nil) { self.value = value }
    }
    final class ObjectBox { var members: [(key: String, slot: Slot)] = [] }
    final class ArrayBox { var elements: [Slot] = [] }

    static func write(_ value: Value, into output: inout [UInt8]) throws {
        switch value {
        case .object(let box):
            output.append(UInt8(ascii: "{"))
            let members = box.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            var first = true
            for member in members {
                guard let value = member.slot.value else { continue }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                try write(value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let box):
            output.append(UInt8(ascii: "["))
            for (index, slot) in box.elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                try write(slot.value ?? .null, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .string(let string): writeString(string, into: &output)
        case .integer(let digits): output.append(contentsOf: digits.utf8)
        case .bool(let bool): output.append(contentsOf: (bool ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        }
    }

    static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    struct TreeEncoder: Encoder {
        let slot: Slot
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let box: ObjectBox
            if case .object(let existing) = slot.value { box = existing } else { box = ObjectBox(); slot.value = .object(box) }
            return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let box: ArrayBox
            if case .array(let existing) = slot.value { box = existing } else { box = ArrayBox(); slot.value = .array(box) }
            return Unkeyed(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(slot: slot, codingPath: codingPath) }
    }

    static func scalar<T: Encodable>(_ value: T) -> Value? {
        switch value {
        case let string as String: return .string(string)
        case let bool as Bool: return .bool(bool)
        case let number as Int: return .integer(String(number))
        case let number as Int64: return .integer(String(number))
        case let number as Int32: return .integer(String(number))
        case let number as UInt64: return .integer(String(number))
        case let number as UInt32: return .integer(String(number))
        case let number as UInt: return .integer(String(number))
        default: return nil
        }
    }

    static func encodeValue<T: Encodable>(_ value: T, into slot: Slot, codingPath: [any CodingKey]) throws {
        if let scalar = scalar(value) {
            slot.value = scalar
        } else if value is Double || value is Float {
            throw VerificationError(.invalidField, "payload",
                                    "signed payloads carry integers only (at \(codingPath.map(\.stringValue).joined(separator: ".")))")
        } else {
            try value.encode(to: TreeEncoder(slot: slot, codingPath: codingPath))
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: ObjectBox
        let codingPath: [any CodingKey]

        func slot(for key: Key) -> Slot {
            let slot = Slot()
            box.members.append((key.stringValue, slot))
            return slot
        }

        /// A scalar member, without the coding path and type checks the generic path makes.
        private func member(_ key: Key, _ value: Value) { box.members.append((key.stringValue, Slot(value))) }

        mutating func encodeNil(forKey key: Key) throws { member(key, .null) }
        mutating func encode(_ value: String, forKey key: Key) throws { member(key, .string(value)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { member(key, .bool(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { member(key, .integer(String(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { member(key, .integer(String(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { member(key, .integer(String(value))) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { member(key, .integer(String(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { member(key, .integer(String(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { member(key, .integer(String(value))) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try CanonicalJSON.encodeValue(value, into: slot(for: key), codingPath: codingPath + [key])
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            TreeEncoder(slot: slot(for: key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            TreeEncoder(slot: slot(for: key), codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { TreeEncoder(slot: Slot(), codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(slot: slot(for: key), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: ArrayBox
        let codingPath: [any CodingKey]
        var count: Int { box.elements.count }

        func next() -> Slot {
            let slot = Slot()
            box.elements.append(slot)
            return slot
        }

        mutating func encodeNil() throws { next().value = .null }
        mutating func encode(_ value: String) throws { box.elements.append(Slot(.string(value))) }
        mutating func encode(_ value: Int64) throws { box.elements.append(Slot(.integer(String(value)))) }
        mutating func encode(_ value: UInt64) throws { box.elements.append(Slot(.integer(String(value)))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try CanonicalJSON.encodeValue(value, into: next(), codingPath: codingPath)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            TreeEncoder(slot: next(), codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { TreeEncoder(slot: next(), codingPath: codingPath).unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { TreeEncoder(slot: next(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { slot.value = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try CanonicalJSON.encodeValue(value, into: slot, codingPath: codingPath) }
    }
}
