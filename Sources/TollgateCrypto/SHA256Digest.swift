import COpenSSL

/// SHA-256 through OpenSSL's one-shot function.
public enum SHA256Digest {
    public static let byteCount = 32

    public static func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        bytes.withUnsafeBytes { buffer in
            [UInt8](unsafeUninitializedCapacity: byteCount) { out, count in
                _ = SHA256(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, out.baseAddress)
                count = byteCount
            }
        }
    }

    /// The digest of several byte strings concatenated, without building the concatenation.
    public static func hash(concatenating parts: [[UInt8]]) -> [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { joined.append(contentsOf: part) }
        return hash(joined)
    }
}

/// Anything whose raw bytes can be read in place.
public protocol ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytes where Element == UInt8 {}
extension ArraySlice: ContiguousBytes where Element == UInt8 {}
extension UnsafeRawBufferPointer: ContiguousBytes {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}
