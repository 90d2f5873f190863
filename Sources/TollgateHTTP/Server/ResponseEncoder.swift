import TollgateHTTPMessages
/// Serialises a handler's response into HTTP/1.1 bytes, owning the framing headers.
///
/// `Content-Length`, `Transfer-Encoding` and `Connection` from the handler are replaced by the server's
/// own; fields whose name is not a token or whose value holds CR, LF or NUL are dropped, so a handler
/// cannot split the response.
enum ResponseEncoder {
    static func encode(_ response: HTTPResponse, requestVersion: HTTPVersion, keepAlive: Bool, isHeadRequest: Bool,
                       date: String = HTTPDate.now()) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status.code) \(sanitizedPhrase(response.status.reasonPhrase))\r\n"
        var hasDate = false
        for field in response.headers {
            guard isValidName(field.name), isValidValue(field.value) else { continue }
            if HTTPHeaders.namesMatch(field.name, "Content-Length") || HTTPHeaders.namesMatch(field.name, "Transfer-Encoding")
                || HTTPHeaders.namesMatch(field.name, "Connection") {
                continue
            }
            if HTTPHeaders.namesMatch(field.name, "Date") { hasDate = true }
            text += "\(field.name): \(field.value)\r\n"
        }
        if !hasDate { text += "Date: \(date)\r\n" }
        let status = response.status
        if !status.forbidsBody {
            text += "Content-Length: \(response.body.count)\r\n"
        }
        if !keepAlive {
            text += "Connection: close\r\n"
        } else if requestVersion == .http1_0 {
            text += "Connection: keep-alive\r\n"
        }
        text += "\r\n"
        var bytes = Array(text.utf8)
        if !status.forbidsBody && !isHeadRequest {
            bytes.append(contentsOf: response.body)
        }
        return bytes
    }

    /// Whether the handler asked for the connection to be closed after this response.
    static func requestsClose(_ response: HTTPResponse) -> Bool {
        response.headers.tokens(for: "Connection").contains("close")
    }

    /// `HTTP/1.1 100 Continue`, sent before reading a body the client holds back for it.
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
    }

    private static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    private static func sanitizedPhrase(_ phrase: String) -> String {
        String(phrase.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
    }
}
