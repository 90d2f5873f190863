/// A C2SP tlog-checkpoint: the origin of a log, its size and its RFC 6962 root hash.
public struct Checkpoint: Hashable {
    public let origin: String
    public let size: UInt64
    public let rootHash: [UInt8]

    /// Checks that the origin is one non-empty line and the root a 32-byte hash.
    public init(origin: String, size: UInt64, rootHash: [UInt8]) throws(LedgerError) {
        guard !origin.isEmpty, origin.utf8.allSatisfy({ $0 >= 0x20 }) else {
            throw LedgerError(.malformed, "a checkpoint's origin is non-empty and holds no newline or control character")
        }
        guard size <= UInt64(Int64.max) else {
            throw LedgerError(.malformed, "a checkpoint's size \(size) is beyond what a log can hold (2^63 - 1)")
        }
        guard rootHash.count == MerkleHash.byteCount else {
            throw LedgerError(.malformed, "a checkpoint's root hash is \(MerkleHash.byteCount) bytes, not \(rootHash.count)")
        }
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
    }

    /// The note text: `origin`, size and base64 root, each on its own line.
    public var noteText: String {
        "\(origin)\n\(size)\n\(StandardBase64.encode(rootHash))\n"
    }

    /// Parses a note text. Extension lines are refused: Tollgate writes none and signs only what it can audit.
    public init(noteText: String) throws(LedgerError) {
        let bytes = Array(noteText.utf8)
        guard bytes.last == 0x0A else {
            throw LedgerError(.malformed, "a checkpoint's text ends with a newline")
        }
        // Split on the newline byte: as Characters, "\r\n" would not split at all.
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
        guard lines.count == 3 else {
            throw LedgerError(.malformed, "a checkpoint has exactly three lines (origin, size, root hash), not \(lines.count)")
        }
        let (origin, sizeText, rootText) = (lines[0], lines[1], lines[2])
        guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              sizeText == "0" || !sizeText.hasPrefix("0"), let size = UInt64(sizeText) else {
            throw LedgerError(.malformed, "a checkpoint's size is a decimal number without leading zeros")
        }
        guard let root = StandardBase64.decode(rootText) else {
            throw LedgerError(.malformed, "a checkpoint's root hash is canonical base64")
        }
        try self.init(origin: origin, size: size, rootHash: root)
    }
}

extension Checkpoint: Sendable {}
