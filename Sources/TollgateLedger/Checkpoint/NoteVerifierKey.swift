import TollgateCrypto

/// A C2SP signed-note Ed25519 verifier key: a key name and public key, identified by a 32-bit key ID.
///
/// Its text form, for configuration files, is `name+hex(key ID)+base64(0x01 ‖ public key)`.
public struct NoteVerifierKey: Hashable {
    /// The C2SP signature type byte of Ed25519.
    static let ed25519Type: UInt8 = 0x01

    public let name: String
    public let publicKey: Ed25519PublicKey
    /// The first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
    public let keyID: UInt32

    public init(name: String, publicKey: Ed25519PublicKey) throws(LedgerError) {
        try Self.validate(name: name)
        self.name = name
        self.publicKey = publicKey
        keyID = Self.keyID(name: name, publicKey: publicKey)
    }

    /// Parses the `name+hash+key` text form, checking that the key ID matches the name and key.
    public init(parsing vkey: String) throws(LedgerError) {
        // The name holds no '+', but the base64 key may: split at the first two only.
        let parts = vkey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw LedgerError(.malformed, "a verifier key has the form name+keyid+key")
        }
        let name = String(parts[0])
        let idText = parts[1]
        guard idText.utf8.count == 8, idText.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
              let id = UInt32(idText, radix: 16) else {
            throw LedgerError(.malformed, "the key ID of a verifier key is 8 lower-case hex digits")
        }
        guard let keyBytes = StandardBase64.decode(parts[2]), keyBytes.count == 33, keyBytes[0] == Self.ed25519Type else {
            throw LedgerError(.malformed, "the key of a verifier key is base64 of 0x01 and a 32-byte Ed25519 public key")
        }
        let publicKey: Ed25519PublicKey
        do {
            publicKey = try Ed25519PublicKey(rawRepresentation: Array(keyBytes.dropFirst()))
        } catch {
            throw LedgerError(.malformed, "the verifier key holds no valid Ed25519 public key: \(error.reason)")
        }
        try self.init(name: name, publicKey: publicKey)
        guard keyID == id else {
            throw LedgerError(.malformed, "the verifier key's ID \(idText) does not match its name and key")
        }
    }

    /// The `name+hash+key` text form.
    public var vkey: String {
        name + "+" + Self.hex(keyID) + "+" + StandardBase64.encode([Self.ed25519Type] + publicKey.rawRepresentation)
    }

    static func keyID(name: String, publicKey: Ed25519PublicKey) -> UInt32 {
        let digest = SHA256Digest.hash(concatenating: [Array(name.utf8), [0x0A, ed25519Type], publicKey.rawRepresentation])
        return digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func hex(_ id: UInt32) -> String {
        Hex.encode([UInt8(id >> 24), UInt8(id >> 16 & 0xff), UInt8(id >> 8 & 0xff), UInt8(id & 0xff)])
    }

    /// Key names are non-empty and hold no Unicode space, no plus sign and no control character.
    static func validate(name: String) throws(LedgerError) {
        guard !name.isEmpty else { throw LedgerError(.invalidKeyName, "a key name must not be empty") }
        for scalar in name.unicodeScalars where scalar.properties.isWhitespace || scalar == "+" || scalar.value < 0x20 {
            throw LedgerError(.invalidKeyName, "the key name '\(name)' holds a space, a plus sign or a control character")
        }
    }
}

extension NoteVerifierKey: Sendable {}
