import Synchronization

/// Secure random bytes drawn from OpenSSL's DRBG a block at a time and handed out in small pieces,
/// for public identifiers made on every sale (a `RAND_bytes` call per 16 bytes costs more than
/// the bytes). Bytes are handed out once and never again; keys must not come from here, since the
/// block waiting in memory would hold their material before they exist.
public final class SecureRandomPool: Sendable {
    private struct Block {
        var bytes: [UInt8] = []
        var used = 0
    }

    private let blockSize: Int
    private let block = Mutex(Block())

    public init(blockSize: Int = 4_096) {
        self.blockSize = max(blockSize, 1)
    }

    /// `count` fresh random bytes.
    public func bytes(count: Int) throws(CryptoError) -> [UInt8] {
        guard count <= blockSize else { return try SecureRandom.bytes(count: count) }
        return try block.withLock { (block: inout Block) throws(CryptoError) -> [UInt8] in
            if block.bytes.count - block.used < count {
                block.bytes = try SecureRandom.bytes(count: blockSize)
                block.used = 0
            }
            defer { block.used += count }
            return Array(block.bytes[block.used..<(block.used + count)])
        }
    }
}
