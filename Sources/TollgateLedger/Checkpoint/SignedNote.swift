/// A C2SP signed note: a text ending in a newline, a blank line, and one or more signature lines.
///
/// Parsing checks the form only; ``verify(with:)`` checks the signatures. Signatures from other keys
/// (witness cosignatures, a rotated key) are kept and ignored, as the spec requires.
public struct SignedNote: Hashable {
    /// Notes with more signature lines than this are refused.
    public static let maxSignatures = 100

    /// The signed text, including its final newline.
    public let text: String
    public let signatures: [NoteSignature]

    /// A note from a checked text and its signatures.
    public init(text: String, signatures: [NoteSignature]) throws(LedgerError) {
        try Self.validate(text: Array(text.utf8))
        guard !signatures.isEmpty, signatures.count <= Self.maxSignatures else {
            throw LedgerError(.malformed, "a signed note carries 1 to \(Self.maxSignatures) signatures")
        }
        for signature in signatures {
            try NoteVerifierKey.validate(name: signature.name)
        }
        self.text = text
        self.signatures = signatures
    }

    /// `text` signed by `signer`.
    public static func sign(text: String, with signer: NoteSigner) throws(LedgerError) -> SignedNote {
        try Self.validate(text: Array(text.utf8))
        return try SignedNote(text: text, signatures: [signer.sign(text: text)])
    }

    /// Parses a note's wire form.
    public init(parsing note: String) throws(LedgerError) {
        try self.init(parsing: Array(note.utf8))
    }

    /// Parses a note's wire form from raw bytes, refusing invalid UTF-8.
    public init(parsing bytes: [UInt8]) throws(LedgerError) {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw LedgerError(.malformed, "a signed note must be valid UTF-8")
        }
        guard bytes.last == 0x0A else {
            throw LedgerError(.malformed, "a signed note ends with a newline")
        }
        try Self.checkControlCharacters(bytes)
        // The text ends at the last blank line; the signature lines follow it.
        var split: Int?
        var position = bytes.count - 2
        while position >= 0 {
            if bytes[position] == 0x0A && bytes[position + 1] == 0x0A {
                split = position
                break
            }
            position -= 1
        }
        guard let split, split + 2 < bytes.count else {
            throw LedgerError(.malformed, "a signed note has a blank line followed by signature lines")
        }
        let text = String(decoding: bytes[...split], as: UTF8.self)
        let lines = bytes[(split + 2)...].split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        guard lines.count <= Self.maxSignatures else {
            throw LedgerError(.malformed, "a signed note carries at most \(Self.maxSignatures) signatures")
        }
        var signatures: [NoteSignature] = []
        for line in lines {
            signatures.append(try NoteSignature(parsingLine: String(decoding: line, as: UTF8.self)))
        }
        try self.init(text: text, signatures: signatures)
    }

    /// The wire form: text, blank line, signature lines.
    public var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// Checks that `key` signed the text: every signature with its name and key ID must verify, and
    /// there must be at least one. Signatures of other keys are ignored.
    public func verify(with key: NoteVerifierKey) throws(LedgerError) {
        // Names compare byte for byte: String's == would equate differently normalized spellings.
        let candidates = signatures.filter { $0.keyID == key.keyID && $0.name.utf8.elementsEqual(key.name.utf8) }
        guard !candidates.isEmpty else {
            throw LedgerError(.missingSignature, "the note is not signed by \(key.name)+\(NoteVerifierKey.hex(key.keyID))")
        }
        let message = Array(text.utf8)
        for candidate in candidates {
            guard candidate.signature.count == 64, key.publicKey.isValidSignature(candidate.signature, for: message) else {
                throw LedgerError(.invalidSignature, "the signature of \(key.name) on the note does not verify")
            }
        }
    }

    /// A note text is non-empty, ends in a newline and holds no control character but newlines.
    static func validate(text: [UInt8]) throws(LedgerError) {
        guard !text.isEmpty, text.last == 0x0A else {
            throw LedgerError(.malformed, "a note's text is not empty and ends with a newline")
        }
        try checkControlCharacters(text)
    }

    private static func checkControlCharacters(_ bytes: [UInt8]) throws(LedgerError) {
        guard bytes.allSatisfy({ $0 >= 0x20 || $0 == 0x0A }) else {
            throw LedgerError(.malformed, "a signed note holds no control characters other than newline")
        }
    }
}

extension SignedNote: Sendable {}
