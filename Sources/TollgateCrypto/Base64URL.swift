import Foundation

/// Base64url without padding (RFC 4648 §5), as JOSE uses it.
public enum Base64URL {
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes unpadded base64url; rejects padding, whitespace and the standard alphabet's `+` and `/`.
    public static func decode(_ text: some StringProtocol) throws(CryptoError) -> [UInt8] {
        var standard = ""
        standard.reserveCapacity(text.utf8.count + 3)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9": standard.unicodeScalars.append(scalar)
            case "-": standard.append("+")
            case "_": standard.append("/")
            default: throw CryptoError(.invalidEncoding, "character '\(scalar)' is not base64url")
            }
        }
        if standard.utf8.count % 4 == 1 {
            throw CryptoError(.invalidEncoding, "base64url text has an impossible length")
        }
        while standard.utf8.count % 4 != 0 { standard.append("=") }
        guard let data = Data(base64Encoded: standard) else {
            throw CryptoError(.invalidEncoding, "not valid base64url")
        }
        let bytes = [UInt8](data)
        // Reject non-canonical encodings (stray low bits in the last character).
        guard encode(bytes) == text else {
            throw CryptoError(.invalidEncoding, "base64url text is not in canonical form")
        }
        return bytes
    }
}
