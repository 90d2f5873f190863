import Foundation

/// Base64 with the standard alphabet and padding (RFC 4648 §4), as signed notes and checkpoints use it.
enum StandardBase64 {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes canonical base64 only: padded, no whitespace, no stray bits, so each value has one spelling.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard let data = Data(base64Encoded: String(text)) else { return nil }
        let bytes = [UInt8](data)
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}
