import TollgateCrypto

/// A checkpoint in a signed note, as a log publishes it and its parent checks it.
public struct SignedCheckpoint: Hashable {
    public let checkpoint: Checkpoint
    public let note: SignedNote

    /// `checkpoint` signed by `signer`.
    public static func sign(_ checkpoint: Checkpoint, with signer: NoteSigner) throws(LedgerError) -> SignedCheckpoint {
        SignedCheckpoint(checkpoint: checkpoint, note: try SignedNote.sign(text: checkpoint.noteText, with: signer))
    }

    /// `checkpoint` signed with `key` under the key name `name`.
    public static func sign(_ checkpoint: Checkpoint, name: String, key: Ed25519PrivateKey) throws(LedgerError) -> SignedCheckpoint {
        try sign(checkpoint, with: NoteSigner(name: name, privateKey: key))
    }

    /// Parses a signed checkpoint and checks that `key` signed it.
    public init(verifying text: String, key: NoteVerifierKey) throws(LedgerError) {
        let note = try SignedNote(parsing: text)
        try note.verify(with: key)
        self.init(checkpoint: try Checkpoint(noteText: note.text), note: note)
    }

    /// Parses a signed checkpoint and checks that the key `publicKey` signed it under `name`.
    public init(verifying text: String, name: String, publicKey: Ed25519PublicKey) throws(LedgerError) {
        try self.init(verifying: text, key: NoteVerifierKey(name: name, publicKey: publicKey))
    }

    /// Parses a stored signed checkpoint without checking its signatures.
    init(unverified text: String) throws(LedgerError) {
        let note = try SignedNote(parsing: text)
        self.init(checkpoint: try Checkpoint(noteText: note.text), note: note)
    }

    private init(checkpoint: Checkpoint, note: SignedNote) {
        self.checkpoint = checkpoint
        self.note = note
    }

    /// The signed note's wire form.
    public var text: String { note.serialized }
}

extension SignedCheckpoint: Sendable {}
