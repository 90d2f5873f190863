import Testing
import TollgateTestSupport
@testable import TollgateLedger

/// Seeded random trees: every proof the tree builds equals the RFC's literal definition and verifies,
/// and no damaged proof, wrong index or wrong size does.
@Suite struct MerklePropertyTests {
    static func randomLeaves(_ count: Int, using generator: inout SeededGenerator) -> [[UInt8]] {
        // The index in front keeps leaves distinct, so a proof for a neighbour cannot pass by coincidence.
        (0..<count).map { index in
            withUnsafeBytes(of: UInt32(index).bigEndian, Array.init) + generator.bytes(Int.random(in: 0...36, using: &generator))
        }
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func everyProofOfSmallTreesMatchesTheRFCAndVerifies(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let data = Self.randomLeaves(33, using: &generator)
        let tree = MerkleTree(leafHashes: data.map(MerkleHash.leaf))
        for size in 0...data.count {
            let root = try tree.rootHash(atSize: UInt64(size))
            #expect(root == ReferenceMerkle.mth(data[0..<size]), "root of \(size)")
            for index in 0..<size {
                let proof = try tree.inclusionProof(index: UInt64(index), size: UInt64(size))
                #expect(proof == ReferenceMerkle.path(index, data[0..<size]), "path of \(index) in \(size)")
                try MerkleProof.verifyInclusion(leafHash: MerkleHash.leaf(data[index]), index: UInt64(index),
                                                size: UInt64(size), proof: proof, rootHash: root)
            }
            for oldSize in 0...size {
                let proof = try tree.consistencyProof(from: UInt64(oldSize), to: UInt64(size))
                #expect(proof == ReferenceMerkle.proof(oldSize, data[0..<size]), "proof \(oldSize) to \(size)")
                try MerkleProof.verifyConsistency(oldSize: UInt64(oldSize), newSize: UInt64(size),
                                                  oldRoot: tree.rootHash(atSize: UInt64(oldSize)), newRoot: root, proof: proof)
            }
        }
    }

    @Test func randomProofsInLargerTreesResistDamage() throws {
        var generator = SeededGenerator(seed: 0x7011_6a7e)
        for _ in 0..<30 {
            let count = Int.random(in: 2...700, using: &generator)
            let data = Self.randomLeaves(count, using: &generator)
            let tree = MerkleTree(leafHashes: data.map(MerkleHash.leaf))
            let size = UInt64.random(in: 2...UInt64(count), using: &generator)
            let index = UInt64.random(in: 0..<size, using: &generator)
            let oldSize = UInt64.random(in: 1..<size, using: &generator)
            let root = try tree.rootHash(atSize: size)
            let oldRoot = try tree.rootHash(atSize: oldSize)
            #expect(root == ReferenceMerkle.mth(data[0..<Int(size)]))
            let leafHash = MerkleHash.leaf(data[Int(index)])

            let inclusion = try tree.inclusionProof(index: index, size: size)
            #expect(inclusion == ReferenceMerkle.path(Int(index), data[0..<Int(size)]))
            try MerkleProof.verifyInclusion(leafHash: leafHash, index: index, size: size, proof: inclusion, rootHash: root)
            for (element, byte) in Self.someBytes(of: inclusion, using: &generator) {
                var damaged = inclusion
                damaged[element][byte] ^= 1 << UInt8.random(in: 0...7, using: &generator)
                #expect(throws: LedgerError.self) {
                    try MerkleProof.verifyInclusion(leafHash: leafHash, index: index, size: size, proof: damaged, rootHash: root)
                }
            }
            for wrongIndex in [index ^ 1, (index + 1) % size] where wrongIndex != index {
                #expect(throws: LedgerError.self, "leaf \(wrongIndex) accepted for \(index) in \(size)") {
                    try MerkleProof.verifyInclusion(leafHash: leafHash, index: wrongIndex, size: size, proof: inclusion, rootHash: root)
                }
            }

            let consistency = try tree.consistencyProof(from: oldSize, to: size)
            #expect(consistency == ReferenceMerkle.proof(Int(oldSize), data[0..<Int(size)]))
            try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: root, proof: consistency)
            for (element, byte) in Self.someBytes(of: consistency, using: &generator) {
                var damaged = consistency
                damaged[element][byte] ^= 1 << UInt8.random(in: 0...7, using: &generator)
                #expect(throws: LedgerError.self) {
                    try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: root, proof: damaged)
                }
            }
            for element in consistency.indices {
                var missing = consistency
                missing.remove(at: element)
                #expect(throws: LedgerError.self, "element \(element) dropped") {
                    try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: root, proof: missing)
                }
            }
            // The proof is for these two sizes: another old size, or a new size of another height, fails.
            // (A new size of the same shape can pass: the signed checkpoint, not the proof, binds a root to its size.)
            for (wrongOld, wrongNew) in [(oldSize + 1, size), (oldSize - 1, size), (oldSize ^ 2, size), (oldSize, size * 2), (oldSize, size / 2)]
                where wrongOld > 0 && wrongOld < wrongNew && (wrongOld, wrongNew) != (oldSize, size) {
                #expect(throws: LedgerError.self, "sizes \(wrongOld) to \(wrongNew) for \(oldSize) to \(size)") {
                    try MerkleProof.verifyConsistency(oldSize: wrongOld, newSize: wrongNew, oldRoot: oldRoot, newRoot: root, proof: consistency)
                }
            }
            #expect(throws: LedgerError.self) {
                try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: size, oldRoot: oldRoot,
                                                  newRoot: tree.rootHash(atSize: size - 1), proof: consistency)
            }
        }
    }

    @Test func outOfRangeRequestsAreRefused() {
        let tree = MerkleTree(leafHashes: (0..<5).map { MerkleHash.leaf([$0]) })
        #expect(throws: LedgerError.self) { try tree.rootHash(atSize: 6) }
        #expect(throws: LedgerError.self) { try tree.inclusionProof(index: 5, size: 5) }
        #expect(throws: LedgerError.self) { try tree.inclusionProof(index: 0, size: 6) }
        #expect(throws: LedgerError.self) { try tree.consistencyProof(from: 4, to: 3) }
        #expect(throws: LedgerError.self) { try tree.consistencyProof(from: 1, to: 6) }
        #expect(throws: LedgerError.self) { try tree.leafHash(at: 5) }
    }

    /// Up to eight (element, byte) positions in a proof, spread at random.
    static func someBytes(of proof: [[UInt8]], using generator: inout SeededGenerator) -> [(Int, Int)] {
        guard !proof.isEmpty else { return [] }
        return (0..<8).map { _ in
            (Int.random(in: proof.indices, using: &generator), Int.random(in: 0..<MerkleHash.byteCount, using: &generator))
        }
    }
}
