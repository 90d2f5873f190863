/// Writes canonical JSON (see ``CanonicalJSON``) straight into bytes, for the payloads signed on
/// every sale, which skip the `Encodable` tree that way. Members are written in the order given,
/// which must be canonical: a key that does not sort after the one before it in its object stops
/// the program, since it is a bug in the payload's ``CanonicalJSONWritable`` conformance.
public struct CanonicalJSONWriter {
    /// What was written so far.
    public private(set) var bytes: [UInt8] = []
    /// For each open object or array: whether a member was written, and an object's last key.
    private var open: [(hasMember: Bool, lastKey: StaticString?)] = []

    public init() {
        bytes.reserveCapacity(512)
    }

    // MARK: Containers

    /// Writes an object whose members `body` writes, in canonical key order.
    public mutating func object(_ body: (inout CanonicalJSONWriter) -> Void) {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        open.append((false, nil))
        body(&self)
        open.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes an array whose elements `body` writes.
    public mutating func array(_ body: (inout CanonicalJSONWriter) -> Void) {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        open.append((false, nil))
        body(&self)
        open.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes `key` and the colon of the next member of the innermost object.
    public mutating func key(_ key: StaticString) {
        guard let last = open.indices.last else { preconditionFailure("key '\(key)' outside of an object") }
        if let previous = open[last].lastKey {
            precondition(Self.precedes(previous, key), "canonical JSON key '\(key)' written after '\(previous)'")
        }
        if open[last].hasMember { bytes.append(UInt8(ascii: ",")) }
        open[last] = (true, key)
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    // MARK: Scalars

    /// Writes a string, escaped as `CanonicalJSON` escapes it.
    public mutating func string(_ value: String) {
        beginValue()
        CanonicalJSON.writeString(value, into: &bytes)
    }

    /// Writes an integer.
    public mutating func integer(_ value: Int64) {
        beginValue()
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            writeDigits(value.magnitude)
        } else {
            writeDigits(UInt64(value))
        }
    }

    /// Writes an unsigned integer.
    public mutating func integer(_ value: UInt64) {
        beginValue()
        writeDigits(value)
    }

    // MARK: Members

    /// Writes a string member.
    public mutating func member(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// Writes an integer member.
    public mutating func member(_ name: StaticString, _ value: Int64) {
        key(name)
        integer(value)
    }

    /// Writes an unsigned integer member.
    public mutating func member(_ name: StaticString, _ value: UInt64) {
        key(name)
        integer(value)
    }

    /// Writes an integer member, or nothing when `value` is nil (absent optionals are omitted).
    public mutating func member(_ name: StaticString, _ value: Int64?) {
        if let value { member(name, value) }
    }

    /// Writes an unsigned integer member, or nothing when `value` is nil.
    public mutating func member(_ name: StaticString, _ value: UInt64?) {
        if let value { member(name, value) }
    }

    /// Writes a string member, or nothing when `value` is nil.
    public mutating func member(_ name: StaticString, _ value: String?) {
        if let value { member(name, value) }
    }

    /// Writes an array of strings as a member, in the order given.
    public mutating func member(_ name: StaticString, _ values: [String]) {
        key(name)
        array { json in
            for value in values { json.string(value) }
        }
    }

    /// Writes a member whose value writes itself.
    public mutating func member<Value: CanonicalJSONWritable>(_ name: StaticString, _ value: Value) {
        key(name)
        value.write(to: &self)
    }

    // MARK: Internals

    /// Writes the comma before an array's next element; an object member's comma comes with its key.
    private mutating func beginValue() {
        guard let last = open.indices.last, open[last].lastKey == nil else { return }
        if open[last].hasMember { bytes.append(UInt8(ascii: ",")) }
        open[last].hasMember = true
    }

    private mutating func writeDigits(_ value: UInt64) {
        let start = bytes.endIndex
        var rest = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    /// Whether `first` sorts strictly before `second` by their UTF-8 bytes.
    private static func precedes(_ first: StaticString, _ second: StaticString) -> Bool {
        first.withUTF8Buffer { a in second.withUTF8Buffer { b in a.lexicographicallyPrecedes(b) } }
    }
}
