import TollgateCrypto
import TollgateLedger

/// C2SP signed notes and checkpoints as a parent reads a child's: `SignedNote(parsing:)`,
/// `Checkpoint(noteText:)` and `SignedCheckpoint(verifying:key:)` with a fixed key. An accepted note
/// is exactly its wire form written back, within the signature cap; an accepted checkpoint text is
/// exactly its `noteText`.
public enum SignedNoteCheck: FuzzCheck {
    public static let name = "signed-note"

    /// The key the seed corpus's checkpoints are signed with (seed 0…31, name `fuzz.example/log`).
    static let verifierKey: NoteVerifierKey = {
        do {
            return try NoteVerifierKey(name: "fuzz.example/log", publicKey: SignedObjectRules.key.publicKey)
        } catch {
            fatalError("cannot make the fuzz note key: \(error)")
        }
    }()

    public static func run(_ input: [UInt8]) throws(FuzzFailure) {
        if let note = try? SignedNote(parsing: input) {
            try FuzzFailure.require((1...SignedNote.maxSignatures).contains(note.signatures.count), .limitExceeded,
                                    "a note with \(note.signatures.count) signatures accepted")
            try FuzzFailure.require(Array(note.serialized.utf8) == input, .roundTrip, "an accepted note is not its wire form written back")
            try FuzzFailure.require(note.text.utf8.last == 0x0A && !note.text.utf8.contains { $0 < 0x20 && $0 != 0x0A }, .ruleBroken,
                                    "an accepted note text does not end in a newline or holds a control character")
            if let checkpoint = try? Checkpoint(noteText: note.text) {
                try FuzzFailure.require(checkpoint.noteText == note.text, .roundTrip, "an accepted checkpoint is not its text written back")
            }
            if let verified = try? SignedCheckpoint(verifying: note.serialized, key: verifierKey) {
                try FuzzFailure.require(verified.text == note.serialized, .roundTrip, "a verified checkpoint is not its note")
                let candidates = note.signatures.filter { $0.keyID == verifierKey.keyID && $0.name.utf8.elementsEqual(verifierKey.name.utf8) }
                try FuzzFailure.require(!candidates.isEmpty && candidates.allSatisfy {
                    SignedObjectRules.key.publicKey.isValidSignature($0.signature, for: Array(note.text.utf8))
                }, .ruleBroken, "a checkpoint verified without a valid signature of the key")
            }
        }
        let text = String(decoding: input, as: UTF8.self)
        if let checkpoint = try? Checkpoint(noteText: text) {
            try FuzzFailure.require(checkpoint.noteText == text, .roundTrip, "an accepted checkpoint text is not its noteText")
        }
    }
}
