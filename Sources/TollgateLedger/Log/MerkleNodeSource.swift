/// Anything that can give the hash of a complete subtree of a Merkle tree; roots and proofs of any
/// size up to its own are built from those alone (RFC 9162 §2.1).
///
/// Level 0 holds the leaf hashes; the node at `level` and `index` covers the leaves
/// `index·2^level ..< (index+1)·2^level`. Callers check sizes and indices before asking.
protocol MerkleNodeSource {
    func completeSubtreeHash(level: Int, index: UInt64) throws -> [UInt8]
}

extension MerkleNodeSource {
    /// MTH(D[start:end]) for a range the RFC's recursion reaches: `start` is a multiple of the
    /// smallest power of two at least `end - start`, so the left part of each split is a complete subtree.
    func rangeHash(_ start: UInt64, _ end: UInt64) throws -> [UInt8] {
        let count = end - start
        if count & (count - 1) == 0 {
            let level = count.trailingZeroBitCount
            return try completeSubtreeHash(level: level, index: start >> level)
        }
        let split = MerkleHash.split(count)
        return MerkleHash.node(try rangeHash(start, start + split), try rangeHash(start + split, end))
    }

    /// The root of the tree's first `size` leaves.
    func computeRootHash(size: UInt64) throws -> [UInt8] {
        size == 0 ? MerkleHash.emptyTree : try rangeHash(0, size)
    }

    /// PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, the leaf's sibling first. Needs `index < size`.
    func computeInclusionProof(index: UInt64, size: UInt64) throws -> [[UInt8]] {
        var start: UInt64 = 0
        var end = size
        var topDown: [[UInt8]] = []
        while end - start > 1 {
            let middle = start + MerkleHash.split(end - start)
            if index < middle {
                topDown.append(try rangeHash(middle, end))
                end = middle
            } else {
                topDown.append(try rangeHash(start, middle))
                start = middle
            }
        }
        return topDown.reversed()
    }

    /// PROOF(oldSize, D[0:newSize]) of RFC 9162 §2.1.4.1. Empty when `oldSize` is 0 or equals `newSize`.
    func computeConsistencyProof(from oldSize: UInt64, to newSize: UInt64) throws -> [[UInt8]] {
        guard oldSize > 0, oldSize < newSize else { return [] }
        var start: UInt64 = 0
        var end = newSize
        // SUBPROOF's flag: whether the old tree's root is the subtree being walked, which the verifier already has.
        var oldRootIsWhole = true
        var topDown: [[UInt8]] = []
        while oldSize != end {
            let middle = start + MerkleHash.split(end - start)
            if oldSize <= middle {
                topDown.append(try rangeHash(middle, end))
                end = middle
            } else {
                topDown.append(try rangeHash(start, middle))
                start = middle
                oldRootIsWhole = false
            }
        }
        if !oldRootIsWhole {
            topDown.append(try rangeHash(start, end))
        }
        return topDown.reversed()
    }
}
