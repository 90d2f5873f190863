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
        var utf8 = Array(text.utf8)
        if utf8.count % 4 == 1 { throw CryptoError(.invalidEncoding, "base64url text has an impossible length") }
        var output = [UInt8]()
        output.reserveCapacity(utf8.count * 3 / 4)
        var index = 0
        let full = utf8.count / 4 * 4
        try utf8.withUnsafeMutableBufferPointer { characters throws(CryptoError) in
            func value(_ position: Int) throws(CryptoError) -> UInt32 {
                let decoded = values[Int(characters[position])]
                guard decoded != 0xff else {
                    throw CryptoError(.invalidEncoding, "character '\(Unicode.Scalar(characters[position]))' is not base64url")
                }
                return UInt32(decoded)
            }
            while index < full {
                let word = try value(index) << 18 | value(index + 1) << 12 | value(index + 2) << 6 | value(index + 3)
                output.append(UInt8(word >> 16 & 0xff))
                output.append(UInt8(word >> 8 & 0xff))
                output.append(UInt8(word & 0xff))
                index += 4
            }
            switch characters.count - full {
            case 2:
                let word = try value(index) << 18 | value(index + 1) << 12
                guard word & 0xffff == 0 else { throw CryptoError(.invalidEncoding, "base64url text is not in canonical form") }
                output.append(UInt8(word >> 16 & 0xff))
            case 3:
                let word = try value(index) << 18 | value(index + 1) << 12 | value(index + 2) << 6
                guard word & 0xff == 0 else { throw CryptoError(.invalidEncoding, "base64url text is not in canonical form") }
                output.append(UInt8(word >> 16 & 0xff))
                output.append(UInt8(word >> 8 & 0xff))
            default:
                break
            }
        }
        return output
    }
}
