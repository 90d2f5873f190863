import Foundation
import Testing
import TollgateCrypto
@testable import TollgateLedger

@Suite struct SignedNoteTests {
    /// golang.org/x/mod/sumdb/note's example key and note (also in the C2SP signed-note test suites).
    static let goSigningKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let goNote = goText + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    static func goSigner() throws -> NoteSigner {
        let encoded = goSigningKey.dropFirst("PRIVATE+KEY+PeterNeumann+c74f20a3+".count)
        let bytes = try #require(Data(base64Encoded: String(encoded)).map { [UInt8]($0) })
        #expect(bytes.count == 33 && bytes[0] == 0x01)
        return try NoteSigner(name: "PeterNeumann", privateKey: Ed25519PrivateKey(seed: Array(bytes.dropFirst())))
    }

    @Test func reproducesTheGoNoteExactly() throws {
        let signer = try Self.goSigner()
        #expect(signer.verifierKey.vkey == Self.goVerifierKey)
        #expect(signer.verifierKey.keyID == 0xc74f20a3)
        let note = try SignedNote.sign(text: Self.goText, with: signer)
        #expect(note.serialized == Self.goNote)
        let parsed = try SignedNote(parsing: Self.goNote)
        #expect(parsed == note)
        try parsed.verify(with: NoteVerifierKey(parsing: Self.goVerifierKey))
    }

    @Test func verifierKeysRoundTripAndRejectDamage() throws {
        let key = try NoteVerifierKey(parsing: Self.goVerifierKey)
        #expect(key.name == "PeterNeumann")
        #expect(key.vkey == Self.goVerifierKey)
        let damaged = [
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // key ID of another key
            "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // upper-case hex
            "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",   // short key ID
            "PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // signature type 0x02
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",    // truncated key
            "PeterNeumann+c74f20a3",
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        ]
        for text in damaged {
            #expect(throws: LedgerError.self, "\(text)") { try NoteVerifierKey(parsing: text) }
        }
    }

    @Test func keyNamesMustBeSingleWordsWithoutPlus() throws {
        let key = try Ed25519PrivateKey(seed: [UInt8](repeating: 7, count: 32))
        for name in ["", "a b", "a+b", "tab\there", "no\u{00a0}break", "line\nbreak"] {
            let failure = #expect(throws: LedgerError.self, "\(name.debugDescription)") { try NoteSigner(name: name, privateKey: key) }
            #expect(failure?.code == .invalidKeyName)
        }
        #expect(try NoteSigner(name: "tollgate.example/node-\u{e9}", privateKey: key).name == "tollgate.example/node-\u{e9}")
    }

    @Test func unknownSignaturesAreIgnoredAndKnownOnesMustAllVerify() throws {
        let signer = try Self.goSigner()
        let witness = try NoteSigner(name: "witness.example", privateKey: Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 32)))
        let ours = try signer.sign(text: Self.goText)
        let theirs = try witness.sign(text: Self.goText)
        let cosigned = try SignedNote(parsing: SignedNote(text: Self.goText, signatures: [theirs, ours]).serialized)
        try cosigned.verify(with: signer.verifierKey)
        try cosigned.verify(with: witness.verifierKey)

        var forged = ours
        forged.signature[10] ^= 0x40
        let failure = #expect(throws: LedgerError.self) {
            try SignedNote(text: Self.goText, signatures: [ours, forged]).verify(with: signer.verifierKey)
        }
        #expect(failure?.code == .invalidSignature)

        let stranger = try NoteVerifierKey(name: "PeterNeumann", publicKey: witness.verifierKey.publicKey)
        let missing = #expect(throws: LedgerError.self) { try cosigned.verify(with: stranger) }
        #expect(missing?.code == .missingSignature)
    }

    @Test func refusesMalformedNotes() throws {
        let line = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        let malformed = [
            Self.goText + line,                                            // no blank line
            String(Self.goNote.dropLast()),                                // no final newline
            Self.goText + "\n",                                            // no signature lines
            Self.goText + "\n" + line.replacingOccurrences(of: "\u{2014}", with: "--"),
            Self.goText + "\n" + line.replacingOccurrences(of: " x08", with: "  x08"),
            Self.goText + "\n" + line + "junk\n",                          // a line that is not a signature
            Self.goText + "\n" + line + "junk",
            Self.goText + "\n" + line.replacingOccurrences(of: "nAM=", with: "nAM"),   // unpadded base64
            Self.goText + "\n" + line.replacingOccurrences(of: "nAM=", with: "nAN="),   // stray bits in the padding
            Self.goText + "\n\u{2014} PeterNeumann AAAA\n",                // key ID only
            Self.goNote.replacingOccurrences(of: "\n", with: "\r\n"),
            "tab\there\n\n" + line,
            Self.goText + "\n" + String(repeating: line, count: SignedNote.maxSignatures + 1),
        ]
        for text in malformed {
            let failure = #expect(throws: LedgerError.self, "\(text.debugDescription)") { try SignedNote(parsing: text) }
            #expect(failure?.code == .malformed, "\(text.debugDescription)")
        }
        #expect(throws: LedgerError.self) { try SignedNote(parsing: Array(Self.goNote.utf8.prefix(20)) + [0xff] + Array(Self.goNote.utf8.dropFirst(20))) }
        #expect(throws: LedgerError.self) { try SignedNote.sign(text: "no newline", with: Self.goSigner()) }
        #expect(try SignedNote(parsing: Self.goText + "\n" + String(repeating: line, count: SignedNote.maxSignatures)).signatures.count
                == SignedNote.maxSignatures)
    }

    @Test func theTextMayHoldBlankLinesAndEndsAtTheLastOne() throws {
        let signer = try Self.goSigner()
        let text = "first\n\nsecond\n"
        let note = try SignedNote.sign(text: text, with: signer)
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(parsed.text == text)
        try parsed.verify(with: signer.verifierKey)
    }
}
