import Testing
import TollgateCrypto
@testable import TollgateLedger

@Suite struct CheckpointTests {
    static let origin = "tollgate.example/node-a"

    static func key() throws -> Ed25519PrivateKey { try Ed25519PrivateKey(seed: [UInt8](repeating: 0x2a, count: 32)) }

    static func signed(size: UInt64 = 5) throws -> SignedCheckpoint {
        let checkpoint = try Checkpoint(origin: origin, size: size, rootHash: MerkleHash.leaf([1, 2, 3]))
        return try SignedCheckpoint.sign(checkpoint, name: origin, key: key())
    }

    @Test func theBodyIsOriginSizeAndBase64Root() throws {
        let checkpoint = try Checkpoint(origin: "example.com/log", size: 0, rootHash: MerkleHash.emptyTree)
        #expect(checkpoint.noteText == "example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
        #expect(try Checkpoint(noteText: checkpoint.noteText) == checkpoint)
    }

    @Test func parsesTheC2SPExample() throws {
        let text = """
            example.com/behind-the-sofa
            20852163
            CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

            \u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=

            """
        let note = try SignedNote(parsing: text)
        let checkpoint = try Checkpoint(noteText: note.text)
        #expect(checkpoint.origin == "example.com/behind-the-sofa")
        #expect(checkpoint.size == 20_852_163)
        #expect(checkpoint.rootHash.count == 32)
        #expect(note.signatures.map(\.name) == ["example.com/behind-the-sofa"])
        #expect(note.signatures[0].signature.count == 64)
        // Without the log's key it proves nothing.
        let failure = #expect(throws: LedgerError.self) {
            try SignedCheckpoint(verifying: text, name: "example.com/behind-the-sofa", publicKey: Self.key().publicKey)
        }
        #expect(failure?.code == .missingSignature)
    }

    @Test func signsAndVerifies() throws {
        let signed = try Self.signed()
        #expect(signed.text.hasPrefix("tollgate.example/node-a\n5\n"))
        #expect(signed.text.contains("\n\n\u{2014} tollgate.example/node-a "))
        let verified = try SignedCheckpoint(verifying: signed.text, name: Self.origin, publicKey: Self.key().publicKey)
        #expect(verified == signed)
        #expect(verified.checkpoint.size == 5)
        let vkey = try NoteVerifierKey(name: Self.origin, publicKey: Self.key().publicKey).vkey
        #expect(try SignedCheckpoint(verifying: signed.text, key: NoteVerifierKey(parsing: vkey)).checkpoint == signed.checkpoint)
    }

    @Test func rejectsForgeriesAndOtherKeys() throws {
        let signed = try Self.signed()
        let publicKey = try Self.key().publicKey
        var signature = signed.note.signatures[0]
        signature.signature[0] ^= 1
        let badSignature = try SignedNote(text: signed.note.text, signatures: [signature]).serialized
        var otherID = signed.note.signatures[0]
        otherID.keyID ^= 0x0100
        let wrongKeyHash = try SignedNote(text: signed.note.text, signatures: [otherID]).serialized
        let otherKey = try Ed25519PrivateKey(seed: [UInt8](repeating: 0x2b, count: 32)).publicKey
        let cases: [(String, String, Ed25519PublicKey, LedgerError.Code)] = [
            ("flipped signature bit", badSignature, publicKey, .invalidSignature),
            ("wrong key hash", wrongKeyHash, publicKey, .missingSignature),
            ("changed size", signed.text.replacingOccurrences(of: "\n5\n", with: "\n6\n"), publicKey, .invalidSignature),
            ("other public key", signed.text, otherKey, .missingSignature),
        ]
        for (description, text, key, code) in cases {
            let failure = #expect(throws: LedgerError.self, "\(description)") {
                try SignedCheckpoint(verifying: text, name: Self.origin, publicKey: key)
            }
            #expect(failure?.code == code, "\(description)")
        }
        let otherName = #expect(throws: LedgerError.self) {
            try SignedCheckpoint(verifying: signed.text, name: "tollgate.example/node-b", publicKey: publicKey)
        }
        #expect(otherName?.code == .missingSignature)
    }

    @Test func rejectsMalformedBodiesEvenWhenSigned() throws {
        let key = try Self.key()
        let signer = try NoteSigner(name: Self.origin, privateKey: key)
        let root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        let bodies = [
            "\(Self.origin)\n5\n\(root)\nextension line\n",      // extension lines are refused
            "\(Self.origin)\n05\n\(root)\n",                      // leading zero
            "\(Self.origin)\n-5\n\(root)\n",
            "\(Self.origin)\n+5\n\(root)\n",
            "\(Self.origin)\n18446744073709551616\n\(root)\n",    // past UInt64
            "\(Self.origin)\n\n\(root)\n",
            "\(Self.origin)\n5\n\(root.dropLast())\n",           // unpadded
            "\(Self.origin)\n5\n\(root.dropLast(4))\n",          // 30 bytes
            "\(Self.origin)\n5\n",
            "\n5\n\(root)\n",                                     // empty origin
            "\(Self.origin)\n5\n\(root)",                         // no final newline
        ]
        for body in bodies {
            // A genuine signature over a bad body: only the body's form can be at fault.
            let text = try body + "\n" + signer.sign(text: body).line
            let failure = #expect(throws: LedgerError.self, "\(body.debugDescription)") {
                try SignedCheckpoint(verifying: text, key: signer.verifierKey)
            }
            #expect(failure?.code == .malformed, "\(body.debugDescription)")
        }
        #expect(throws: LedgerError.self) { try Checkpoint(origin: "", size: 1, rootHash: MerkleHash.emptyTree) }
        #expect(throws: LedgerError.self) { try Checkpoint(origin: "a\nb", size: 1, rootHash: MerkleHash.emptyTree) }
        #expect(throws: LedgerError.self) { try Checkpoint(origin: "a", size: 1, rootHash: [1, 2, 3]) }
        #expect(try Checkpoint(noteText: "\(Self.origin)\n0\n\(root)\n").size == 0)
        #expect(throws: LedgerError.self) { try Checkpoint(noteText: "\(Self.origin)\r\n0\r\n\(root)\r\n") }
    }
}
