/// Base64url without padding (RFC 4648 §5), as JOSE uses it. Table-driven: this sits on every hot
/// path (every JWS, every log entry in a sync).
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(alphabet[Int(value >> 6 & 63)])
            output.append(alphabet[Int(value & 63)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let value = UInt32(input[index]) << 16
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
        case 2:
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(alphabet[Int(value >> 6 & 63)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes unpadded base64url; rejects padding, whitespace, the standard alphabet's `+` and `/`,
    /// and non-canonical encodings (stray low bits in the last character).
    public static func decode(_ text: some StringProtocol) throws(CryptoError) -> [UInt8] {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ characters in Result<[UInt8], CryptoError> { () throws(CryptoError) in try decode(characters) } }) {
            return try decoded.get()
        }
        return try Array(text.utf8).withUnsafeBufferPointer { characters throws(CryptoError) in try decode(characters) }
    }

    /// Decodes the base64url characters in `characters`: four at a time into an uninitialised
    /// output, the table read through one pointer (no bounds or capacity checks per byte).
    public static func decode(_ characters: UnsafeBufferPointer<UInt8>) throws(CryptoError) -> [UInt8] {
        let count = characters.count
        if count % 4 == 1 { throw CryptoError(.invalidEncoding, "base64url text has an impossible length") }
        let full = count / 4 * 4
        let outputCount = full / 4 * 3 + (count - full == 0 ? 0 : count - full - 1)
        var failure: CryptoError?
        let output = values.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
                func invalid(_ position: Int) -> CryptoError {
                    CryptoError(.invalidEncoding, "character '\(Unicode.Scalar(characters[position]))' is not base64url")
                }
                var index = 0
                var written = 0
                while index < full {
                    let a = table[Int(characters[index])], b = table[Int(characters[index + 1])]
                    let c = table[Int(characters[index + 2])], d = table[Int(characters[index + 3])]
                    guard (a | b | c | d) & 0xc0 == 0 else {
                        failure = invalid(index + [a, b, c, d].firstIndex(of: 0xff)!)
                        return
                    }
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    buffer[written] = UInt8(truncatingIfNeeded: word >> 16)
                    buffer[written + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    buffer[written + 2] = UInt8(truncatingIfNeeded: word)
                    written += 3
                    index += 4
                }
                let rest = count - full
                if rest >= 2 {
                    var word: UInt32 = 0
                    for offset in 0..<rest {
                        let value = table[Int(characters[index + offset])]
                        guard value != 0xff else {
                            failure = invalid(index + offset)
                            return
                        }
                        word |= UInt32(value) << (18 - 6 * UInt32(offset))
                    }
                    guard word & (rest == 2 ? 0xffff : 0xff) == 0 else {
                        failure = CryptoError(.invalidEncoding, "base64url text is not in canonical form")
                        return
                    }
                    buffer[written] = UInt8(truncatingIfNeeded: word >> 16)
                    if rest == 3 { buffer[written + 1] = UInt8(truncatingIfNeeded: word >> 8) }
                    written += rest - 1
                }
                initialized = written
            }
        }
        if let failure { throw failure }
        return output
    }
}
