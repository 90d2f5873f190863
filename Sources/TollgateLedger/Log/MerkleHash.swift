import TollgateCrypto

/// RFC 6962 (RFC 9162 §2.1.1) tree hashing with SHA-256.
public enum MerkleHash {
    /// Every hash in the tree is a SHA-256 digest.
    public static let byteCount = 32

    /// The root of the empty tree: SHA-256 of no bytes.
    public static let emptyTree: [UInt8] = SHA256Digest.hash([UInt8]())

    /// A leaf's hash: SHA-256(0x00 ‖ data).
    public static func leaf(_ data: [UInt8]) -> [UInt8] {
        SHA256Digest.hash(concatenating: [[0x00], data])
    }

    /// An interior node's hash: SHA-256(0x01 ‖ left ‖ right).
    public static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        SHA256Digest.hash(concatenating: [[0x01], left, right])
    }

    /// The largest power of two strictly smaller than `count`, where the tree over `count ≥ 2` leaves splits.
    static func split(_ count: UInt64) -> UInt64 {
        precondition(count >= 2, "only a tree of two or more leaves splits")
        return 1 << (63 - (count - 1).leadingZeroBitCount)
    }
}
