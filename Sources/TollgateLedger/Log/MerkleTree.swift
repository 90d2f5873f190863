/// An RFC 6962 Merkle tree held in memory, keeping every complete subtree's hash.
///
/// Appends cost O(1) amortized, roots and proofs O(log² n) hashes. For checking another node's log
/// segment or building test expectations; a node's own log is ``MerkleLog``.
public struct MerkleTree: Hashable {
    /// `levels[l][i]` is the hash of the complete subtree at level `l`, index `i`; level 0 holds the leaf hashes.
    private var levels: [[[UInt8]]] = [[]]

    public init() {}

    /// A tree over `leafHashes`, in order.
    public init<Hashes: Sequence>(leafHashes: Hashes) where Hashes.Element == [UInt8] {
        for hash in leafHashes { append(leafHash: hash) }
    }

    /// The number of leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// Appends the leaf whose data is `data`.
    public mutating func append(data: [UInt8]) {
        append(leafHash: MerkleHash.leaf(data))
    }

    /// Appends a leaf by its hash.
    public mutating func append(leafHash: [UInt8]) {
        var hash = leafHash
        var level = 0
        var index = levels[0].count
        levels[0].append(hash)
        // Each odd index completes its parent with the left sibling already stored.
        while index & 1 == 1 {
            hash = MerkleHash.node(levels[level][index - 1], hash)
            level += 1
            index >>= 1
            if levels.count == level { levels.append([]) }
            levels[level].append(hash)
        }
    }

    /// The hash of leaf `index`.
    public func leafHash(at index: UInt64) throws(LedgerError) -> [UInt8] {
        guard index < size else { throw LedgerError(.outOfRange, "leaf \(index) is not in a tree of size \(size)") }
        return levels[0][Int(index)]
    }

    /// The root of the first `size` leaves (the empty tree's for 0).
    public func rootHash(atSize treeSize: UInt64? = nil) throws(LedgerError) -> [UInt8] {
        let treeSize = treeSize ?? size
        guard treeSize <= size else { throw LedgerError(.outOfRange, "size \(treeSize) exceeds the tree's \(size)") }
        return Self.unfailing { try computeRootHash(size: treeSize) }
    }

    /// The inclusion proof of leaf `index` in the tree of the first `size` leaves.
    public func inclusionProof(index: UInt64, size treeSize: UInt64) throws(LedgerError) -> [[UInt8]] {
        guard index < treeSize, treeSize <= size else {
            throw LedgerError(.outOfRange, "no leaf \(index) in a tree of size \(treeSize) (the tree has \(size))")
        }
        return Self.unfailing { try computeInclusionProof(index: index, size: treeSize) }
    }

    /// The consistency proof from the tree of the first `oldSize` leaves to that of the first `newSize`.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws(LedgerError) -> [[UInt8]] {
        guard oldSize <= newSize, newSize <= size else {
            throw LedgerError(.outOfRange, "no consistency proof from size \(oldSize) to \(newSize) (the tree has \(size))")
        }
        return Self.unfailing { try computeConsistencyProof(from: oldSize, to: newSize) }
    }

    /// Runs a proof builder over the in-memory levels, which hold every node it can ask for once sizes are checked.
    private static func unfailing<Result>(_ body: () throws -> Result) -> Result {
        do {
            return try body()
        } catch {
            preconditionFailure("an in-memory Merkle tree lacks a node it must hold: \(error)")
        }
    }
}

extension MerkleTree: MerkleNodeSource {
    func completeSubtreeHash(level: Int, index: UInt64) throws -> [UInt8] {
        guard level < levels.count, index < UInt64(levels[level].count) else {
            throw LedgerError(.corruptLog, "no complete subtree at level \(level), index \(index)")
        }
        return levels[level][Int(index)]
    }
}

extension MerkleTree: Sendable {}
