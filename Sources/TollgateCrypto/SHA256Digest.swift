import COpenSSL

/// SHA-256 through OpenSSL EVP, with the algorithm fetched once: OpenSSL 3's one-shot `SHA256()`
/// looks the algorithm up in the provider on every call, which costs more than hashing a license.
public enum SHA256Digest {
    public static let byteCount = 32

    /// The fetched `EVP_MD`, shared by every thread.
    final class Algorithm {
        let pointer: OpaquePointer?
        init() { pointer = EVP_MD_fetch(nil, "SHA256", nil) }
        deinit { EVP_MD_free(pointer) }
    }

    static let algorithm = Algorithm()

    public static func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        bytes.withUnsafeBytes { buffer in
            [UInt8](unsafeUninitializedCapacity: byteCount) { out, count in
                var length: UInt32 = 0
                if let md = algorithm.pointer, EVP_Digest(buffer.baseAddress, buffer.count, out.baseAddress, &length, md, nil) == 1 {
                    count = Int(length)
                } else {
                    // Only if the default provider lacks SHA-256; the one-shot function still works then.
                    _ = SHA256(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, out.baseAddress)
                    count = byteCount
                }
            }
        }
    }

    /// The digest of several byte strings concatenated.
    public static func hash(concatenating parts: [[UInt8]]) -> [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { joined.append(contentsOf: part) }
        return hash(joined)
    }
}

// A fetched EVP_MD is immutable and reference-counted by OpenSSL; OpenSSL 3 allows using one from
// many threads at once (each EVP_Digest call has its own context).
extension SHA256Digest.Algorithm: @unchecked Sendable {}

/// Anything whose raw bytes can be read in place.
public protocol ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytes where Element == UInt8 {}
extension ArraySlice: ContiguousBytes where Element == UInt8 {}
extension UnsafeRawBufferPointer: ContiguousBytes {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}
