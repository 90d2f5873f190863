/// One signature line of a signed note: `— <name> <base64(key ID ‖ signature)>`.
public struct NoteSignature: Hashable {
    public var name: String
    public var keyID: UInt32
    /// The signature bytes after the key ID (64 for Ed25519).
    public var signature: [UInt8]

    public init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The em dash and space that start every signature line.
    static let prefix = "\u{2014} "

    /// The line, with its newline.
    public var line: String {
        let id = [UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xff), UInt8(keyID >> 8 & 0xff), UInt8(keyID & 0xff)]
        return Self.prefix + name + " " + StandardBase64.encode(id + signature) + "\n"
    }

    /// Parses one line without its newline.
    init(parsingLine line: String) throws(LedgerError) {
        guard line.hasPrefix(Self.prefix) else {
            throw LedgerError(.malformed, "a signature line starts with an em dash and a space")
        }
        let fields = line.dropFirst(Self.prefix.count).split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2 else {
            throw LedgerError(.malformed, "a signature line holds a key name and a signature separated by one space")
        }
        let name = String(fields[0])
        try NoteVerifierKey.validate(name: name)
        guard let bytes = StandardBase64.decode(fields[1]), bytes.count > 4 else {
            throw LedgerError(.malformed, "the signature of '\(name)' is not canonical base64 of a key ID and a signature")
        }
        self.init(name: name, keyID: bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }, signature: Array(bytes.dropFirst(4)))
    }
}

extension NoteSignature: Sendable {}
