/// A payload that writes its canonical JSON itself, byte for byte what its `Encodable`
/// conformance gives through ``CanonicalJSON/encodeThroughCodable(_:)``, only without building a tree.
/// ``CanonicalJSON/encode(_:)`` takes this path for every value that has it.
public protocol CanonicalJSONWritable {
    /// Writes the value at the writer's position.
    func write(to json: inout CanonicalJSONWriter)
}
