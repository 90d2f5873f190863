/// Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
///
/// A proof is a list of 32-byte hashes; anything else, and any size or index it cannot be for, is refused.
public enum MerkleProof {
    /// The root that `proof` yields for the leaf `leafHash` at `index` in a tree of `size` leaves.
    public static func rootFromInclusionProof(leafHash: [UInt8], index: UInt64, size: UInt64,
                                              proof: [[UInt8]]) throws(LedgerError) -> [UInt8] {
        guard index < size else {
            throw LedgerError(.invalidProof, "leaf index \(index) is not below tree size \(size)")
        }
        try checkLengths(leafHash, proof)
        var fn = index
        var sn = size - 1
        var root = leafHash
        for sibling in proof {
            guard sn != 0 else {
                throw LedgerError(.invalidProof, "the inclusion proof has more hashes than a tree of size \(size) needs")
            }
            if fn & 1 == 1 || fn == sn {
                root = MerkleHash.node(sibling, root)
                if fn & 1 == 0 {
                    // The node is the last at its level: move up until it is a right child (or the root).
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                root = MerkleHash.node(root, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw LedgerError(.invalidProof, "the inclusion proof has fewer hashes than a tree of size \(size) needs")
        }
        return root
    }

    /// Checks that the leaf `leafHash` is at `index` in the tree of `size` leaves whose root is `rootHash`.
    public static func verifyInclusion(leafHash: [UInt8], index: UInt64, size: UInt64,
                                       proof: [[UInt8]], rootHash: [UInt8]) throws(LedgerError) {
        try checkLengths(rootHash, [])
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, size: size, proof: proof)
        guard computed == rootHash else {
            throw LedgerError(.invalidProof, "the inclusion proof for leaf \(index) leads to a different root for size \(size)")
        }
    }

    /// Checks that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the tree of
    /// `newSize` leaves with root `newRoot`.
    public static func verifyConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: [UInt8], newRoot: [UInt8],
                                         proof: [[UInt8]]) throws(LedgerError) {
        try checkLengths(oldRoot, [newRoot] + proof)
        guard oldSize <= newSize else {
            throw LedgerError(.invalidProof, "tree size shrank from \(oldSize) to \(newSize)")
        }
        if oldSize == newSize || oldSize == 0 {
            guard proof.isEmpty else {
                throw LedgerError(.invalidProof, "a consistency proof from size \(oldSize) to \(newSize) must be empty")
            }
            if oldSize == 0 {
                guard oldRoot == MerkleHash.emptyTree else {
                    throw LedgerError(.invalidProof, "the root of the empty tree is not the hash of no bytes")
                }
                if newSize == 0 && newRoot != MerkleHash.emptyTree {
                    throw LedgerError(.invalidProof, "the root of the empty tree is not the hash of no bytes")
                }
            } else if oldRoot != newRoot {
                throw LedgerError(.invalidProof, "two different roots for the same tree size \(oldSize)")
            }
            return
        }
        guard !proof.isEmpty else {
            throw LedgerError(.invalidProof, "the consistency proof from size \(oldSize) to \(newSize) is empty")
        }
        // When the old tree is a complete subtree its root is the path's starting point, which the proof omits.
        var path = proof
        if oldSize & (oldSize - 1) == 0 {
            path.insert(oldRoot, at: 0)
        }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var oldComputed = path[0]
        var newComputed = path[0]
        for hash in path.dropFirst() {
            guard sn != 0 else {
                throw LedgerError(.invalidProof, "the consistency proof has more hashes than sizes \(oldSize) and \(newSize) need")
            }
            if fn & 1 == 1 || fn == sn {
                oldComputed = MerkleHash.node(hash, oldComputed)
                newComputed = MerkleHash.node(hash, newComputed)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                newComputed = MerkleHash.node(newComputed, hash)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw LedgerError(.invalidProof, "the consistency proof has fewer hashes than sizes \(oldSize) and \(newSize) need")
        }
        guard oldComputed == oldRoot else {
            throw LedgerError(.invalidProof, "the consistency proof does not lead to the old root of size \(oldSize)")
        }
        guard newComputed == newRoot else {
            throw LedgerError(.invalidProof, "the consistency proof does not lead to the new root of size \(newSize)")
        }
    }

    private static func checkLengths(_ first: [UInt8], _ rest: [[UInt8]]) throws(LedgerError) {
        guard first.count == MerkleHash.byteCount, rest.allSatisfy({ $0.count == MerkleHash.byteCount }) else {
            throw LedgerError(.invalidProof, "every hash in a proof must be \(MerkleHash.byteCount) bytes")
        }
    }
}
