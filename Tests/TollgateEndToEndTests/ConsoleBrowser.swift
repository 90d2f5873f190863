import Foundation
import TollgateHTTPMessages
import TollgateTestSupport

/// A browser without a browser: raw HTTP/1.1 requests to a running node over one keep-alive
/// loopback connection, keeping the cookies the console sets as a browser keeps them for `/console`.
final class ConsoleBrowser {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let connection: RawConnection
    let port: Int
    private(set) var cookies: [String: String] = [:]

    init(port: Int) throws {
        self.port = port
        connection = try RawConnection(port: port)
    }

    /// `method path`, with the cookie jar unless `withCookies` is false and `form` as the body.
    func send(_ method: String, _ path: String, form: [String: String]? = nil, headers extra: [(String, String)] = [],
              withCookies: Bool = true) throws -> RawResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if withCookies, !cookies.isEmpty { head += "Cookie: " + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n" }
        for (name, value) in extra { head += "\(name): \(value)\r\n" }
        let body = form.map { form in
            form.sorted { $0.key < $1.key }.map { "\(Self.encoded($0.key))=\(Self.encoded($0.value))" }.joined(separator: "&")
        } ?? ""
        if form != nil { head += "Content-Type: application/x-www-form-urlencoded\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        guard connection.send(head), let response = connection.readResponse(timeout: .seconds(30)) else {
            throw Failure(description: "\(method) \(path): no answer")
        }
        for header in response.headers.values(for: "Set-Cookie") {
            let pair = header.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            cookies[name] = header.contains("Max-Age=0") ? nil : value
        }
        return response
    }

    /// The hidden `csrf` field of a page's form.
    static func csrf(in response: RawResponse) throws -> String {
        let text = response.bodyText
        guard let start = text.range(of: #"name="csrf" value=""#) else { throw Failure(description: "no csrf field in \(text.prefix(300))") }
        return String(text[start.upperBound...].prefix { $0 != "\"" })
    }

    static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
