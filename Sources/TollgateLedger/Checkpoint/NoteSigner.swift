import TollgateCrypto

/// An Ed25519 key that signs C2SP signed notes under a key name.
public struct NoteSigner {
    public let privateKey: Ed25519PrivateKey
    /// The matching verifier key, to hand to whoever checks this signer's notes.
    public let verifierKey: NoteVerifierKey

    public init(name: String, privateKey: Ed25519PrivateKey) throws(LedgerError) {
        self.privateKey = privateKey
        verifierKey = try NoteVerifierKey(name: name, publicKey: privateKey.publicKey)
    }

    public var name: String { verifierKey.name }

    /// The signature over a note's text (which ends in a newline and excludes the blank line).
    public func sign(text: String) throws(LedgerError) -> NoteSignature {
        do {
            let signature = try privateKey.signature(for: Array(text.utf8))
            return NoteSignature(name: name, keyID: verifierKey.keyID, signature: signature)
        } catch {
            throw LedgerError(.signingFailed, "could not sign the note as \(name): \(error.reason)")
        }
    }
}

extension NoteSigner: Sendable {}
