import Testing
@testable import TollgateLedger

/// The RFC 6962 reference vectors published with Certificate Transparency and transparency-dev/merkle.
@Suite struct MerkleVectorTests {
    static let leaves: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ]

    /// Roots for sizes 0 through 8.
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    /// (leaf index, tree size, proof)
    static let inclusionProofs: [(UInt64, UInt64, [String])] = [
        (0, 1, []),
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]

    /// (old size, new size, proof)
    static let consistencyProofs: [(UInt64, UInt64, [String])] = [
        (1, 1, []),
        (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    ]

    static var tree: MerkleTree {
        var tree = MerkleTree()
        for leaf in leaves { tree.append(data: leaf) }
        return tree
    }

    @Test func hashesUseTheRFC6962Prefixes() throws {
        #expect(MerkleHash.emptyTree == (try hex(Self.roots[0])))
        #expect(MerkleHash.leaf([]) == (try hex(Self.roots[1])))
        #expect(MerkleHash.node(MerkleHash.leaf([]), MerkleHash.leaf([0x00])) == (try hex(Self.roots[2])))
    }

    @Test func rootsMatchForEverySize() throws {
        let tree = Self.tree
        for size in 0...8 {
            #expect(try tree.rootHash(atSize: UInt64(size)) == hex(Self.roots[size]), "size \(size)")
            #expect(ReferenceMerkle.mth(Self.leaves[0..<size]) == (try hex(Self.roots[size])), "reference, size \(size)")
        }
    }

    @Test func theSplitIsTheLargestPowerOfTwoBelow() {
        let expected: [UInt64: UInt64] = [2: 1, 3: 2, 4: 2, 5: 4, 8: 4, 9: 8, 1000: 512, 1 << 40: 1 << 39, (1 << 63) + 1: 1 << 63]
        for (count, split) in expected {
            #expect(MerkleHash.split(count) == split, "split of \(count)")
        }
    }

    @Test func inclusionProofsMatchAndVerify() throws {
        let tree = Self.tree
        for (index, size, proofHex) in Self.inclusionProofs {
            let proof = try proofHex.map(hex)
            #expect(try tree.inclusionProof(index: index, size: size) == proof, "leaf \(index) in \(size)")
            let root = try hex(Self.roots[Int(size)])
            let leafHash = MerkleHash.leaf(Self.leaves[Int(index)])
            try MerkleProof.verifyInclusion(leafHash: leafHash, index: index, size: size, proof: proof, rootHash: root)
            for (description, probe) in Self.corruptions(of: proof, root: root) {
                #expect(throws: LedgerError.self, "\(description), leaf \(index) in \(size)") {
                    try MerkleProof.verifyInclusion(leafHash: leafHash, index: index, size: size, proof: probe, rootHash: root)
                }
            }
            var wrongPlaces: [(UInt64, UInt64)] = [(index + 1, size), (index ^ 2, size), (index, size * 2), (index, size / 2)]
            if index > 0 { wrongPlaces.append((index - 1, size)) }
            for (wrongIndex, wrongSize) in wrongPlaces {
                #expect(throws: LedgerError.self, "leaf \(wrongIndex) in \(wrongSize) instead of \(index) in \(size)") {
                    try MerkleProof.verifyInclusion(leafHash: leafHash, index: wrongIndex, size: wrongSize, proof: proof, rootHash: root)
                }
            }
            #expect(throws: LedgerError.self) {
                try MerkleProof.verifyInclusion(leafHash: MerkleHash.leaf([0x42]), index: index, size: size, proof: proof, rootHash: root)
            }
            #expect(throws: LedgerError.self) {
                try MerkleProof.verifyInclusion(leafHash: leafHash, index: index, size: size, proof: proof, rootHash: MerkleHash.emptyTree)
            }
        }
    }

    @Test func consistencyProofsMatchAndVerify() throws {
        let tree = Self.tree
        for (oldSize, newSize, proofHex) in Self.consistencyProofs {
            let proof = try proofHex.map(hex)
            #expect(try tree.consistencyProof(from: oldSize, to: newSize) == proof, "\(oldSize) to \(newSize)")
            let oldRoot = try hex(Self.roots[Int(oldSize)])
            let newRoot = try hex(Self.roots[Int(newSize)])
            try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
            guard !proof.isEmpty else { continue }
            var probes = Self.corruptions(of: proof, root: newRoot)
            probes.append(("empty proof", []))
            probes.append(("preceding old root", [oldRoot] + proof))
            probes.append(("preceding first element", [proof[0]] + proof))
            for (description, probe) in probes {
                #expect(throws: LedgerError.self, "\(description), \(oldSize) to \(newSize)") {
                    try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: probe)
                }
            }
            let wrongSizes: [(UInt64, UInt64)] = [(oldSize - 1, newSize), (oldSize + 1, newSize), (oldSize ^ 2, newSize),
                                                  (oldSize, newSize * 2), (oldSize, newSize / 2)]
            for (wrongOld, wrongNew) in wrongSizes {
                #expect(throws: LedgerError.self, "sizes \(wrongOld) to \(wrongNew) instead of \(oldSize) to \(newSize)") {
                    try MerkleProof.verifyConsistency(oldSize: wrongOld, newSize: wrongNew, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
                }
            }
            #expect(throws: LedgerError.self, "swapped roots") {
                try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: newRoot, newRoot: oldRoot, proof: proof)
            }
        }
    }

    @Test func trivialConsistencyCases() throws {
        let root = try hex(Self.roots[3])
        try MerkleProof.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: MerkleHash.emptyTree, newRoot: MerkleHash.emptyTree, proof: [])
        try MerkleProof.verifyConsistency(oldSize: 0, newSize: 3, oldRoot: MerkleHash.emptyTree, newRoot: root, proof: [])
        try MerkleProof.verifyConsistency(oldSize: 3, newSize: 3, oldRoot: root, newRoot: root, proof: [])
        let refused: [(UInt64, UInt64, [UInt8], [UInt8], [[UInt8]])] = [
            (3, 3, root, MerkleHash.emptyTree, []),                  // one size, two roots
            (3, 3, root, root, [root]),                              // same size with a proof
            (0, 3, root, root, []),                                  // the empty tree's root is fixed
            (0, 0, MerkleHash.emptyTree, root, []),
            (0, 3, MerkleHash.emptyTree, root, [root]),              // nothing to prove from size 0
            (4, 3, root, root, []),                                  // shrinking
            (3, 4, root, root, []),                                  // growth needs a proof
            (3, 3, Array(root.prefix(31)), Array(root.prefix(31)), []),  // short hashes
        ]
        for (oldSize, newSize, oldRoot, newRoot, proof) in refused {
            #expect(throws: LedgerError.self, "\(oldSize) to \(newSize)") {
                try MerkleProof.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
            }
        }
    }

    @Test func inclusionInTreesTooSmall() throws {
        let leaf = MerkleHash.leaf([1])
        for (index, size) in [(0, 0), (1, 0), (2, 1), (1, 1)] as [(UInt64, UInt64)] {
            #expect(throws: LedgerError.self, "leaf \(index) in \(size)") {
                try MerkleProof.verifyInclusion(leafHash: leaf, index: index, size: size, proof: [], rootHash: leaf)
            }
        }
        try MerkleProof.verifyInclusion(leafHash: leaf, index: 0, size: 1, proof: [], rootHash: leaf)
        #expect(throws: LedgerError.self) {
            try MerkleProof.verifyInclusion(leafHash: [], index: 0, size: 1, proof: [], rootHash: [])
        }
    }

    /// Damaged copies of a proof, the way transparency-dev/merkle's tests damage them.
    static func corruptions(of proof: [[UInt8]], root: [UInt8]) -> [(String, [[UInt8]])] {
        var probes: [(String, [[UInt8]])] = [
            ("trailing empty hash", proof + [[]]),
            ("trailing root", proof + [root]),
            ("preceding empty hash", [[]] + proof),
            ("preceding root", [root] + proof),
        ]
        for position in proof.indices {
            var flipped = proof
            flipped[position][0] ^= 8
            probes.append(("flipped bit in element \(position)", flipped))
        }
        if !proof.isEmpty {
            probes.append(("last element removed", Array(proof.dropLast())))
        }
        if proof.count > 1 {
            probes.append(("element inserted", [proof[0], MerkleHash.leaf([0xab])] + proof.dropFirst()))
        }
        return probes
    }
}
