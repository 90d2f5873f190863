import TollgateHTTPMessages
/// A parsed and checked request head: request line, header fields and how the body is framed.
///
/// Visible as SPI `Fuzzing` only so the fuzz target in Tests/Fuzz can feed the parser hostile heads
/// directly, millions a minute, instead of through a socket.
@_spi(Fuzzing) public struct RequestHead {
    public var method: HTTPMethod
    public var path: String
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Body length from `Content-Length` (0 when absent), already checked against the body size cap.
    public var contentLength: Int
    /// Whether the client wants the connection kept open after this exchange.
    public var keepAlive: Bool
    /// Whether the client sent `Expect: 100-continue` and waits for an interim response.
    public var expectsContinue: Bool

    /// Parses a head: the bytes before the blank line that ends it, without leading empty lines.
    ///
    /// Lines must end in CRLF; field names are tokens with no space before the colon; obsolete line
    /// folding, control characters, a missing or repeated `Host` (HTTP/1.1), conflicting or malformed
    /// `Content-Length`, and `Transfer-Encoding` (with or without `Content-Length`) are refused.
    public static func parse(_ bytes: ArraySlice<UInt8>, maxHeaderCount: Int, maxBodySize: Int) throws(HTTPRejection) -> RequestHead {
        var lines = try splitLines(bytes)
        guard !lines.isEmpty else { throw HTTPRejection(.malformedRequest, "empty request head") }
        let requestLine = lines.removeFirst()
        let (method, target, version) = try parseRequestLine(requestLine)
        guard lines.count <= maxHeaderCount else {
            throw HTTPRejection(.headTooLarge, "\(lines.count) header fields, at most \(maxHeaderCount) allowed")
        }
        var headers = HTTPHeaders()
        for line in lines {
            let field = try parseField(line)
            headers.add(name: field.name, value: field.value)
        }

        let (path, query) = try splitTarget(target, method: method)

        let hosts = headers.values(for: "Host")
        if version == .http1_1, hosts.count != 1 {
            throw HTTPRejection(.missingHost, hosts.isEmpty ? "HTTP/1.1 requests need a Host header" : "\(hosts.count) Host headers")
        }
        if version == .http1_0, hosts.count > 1 {
            throw HTTPRejection(.missingHost, "\(hosts.count) Host headers")
        }

        let transferCodings = headers.tokens(for: "Transfer-Encoding")
        let lengths = headers.values(for: "Content-Length")
        if headers.contains("Transfer-Encoding") {
            if !lengths.isEmpty {
                throw HTTPRejection(.conflictingFraming, "a request must not carry both Content-Length and Transfer-Encoding")
            }
            if version == .http1_0 {
                throw HTTPRejection(.malformedRequest, "Transfer-Encoding is not defined for HTTP/1.0")
            }
            if transferCodings.last == "chunked" {
                throw HTTPRejection(.lengthRequired, "chunked request bodies are not accepted; send Content-Length")
            }
            throw HTTPRejection(.malformedRequest, "Transfer-Encoding without chunked as the final coding cannot be framed")
        }
        let contentLength = try parseContentLength(lengths, maxBodySize: maxBodySize)

        let connection = headers.tokens(for: "Connection")
        let keepAlive = version == .http1_1 ? !connection.contains("close") : connection.contains("keep-alive") && !connection.contains("close")

        var expectsContinue = false
        if let expectation = headers["Expect"] {
            guard expectation.trimmingHTTPWhitespace().lowercased() == "100-continue" else {
                throw HTTPRejection(.expectationFailed, "only Expect: 100-continue is supported")
            }
            expectsContinue = version == .http1_1
        }

        return RequestHead(method: method, path: path, query: query, version: version, headers: headers,
                           contentLength: contentLength, keepAlive: keepAlive, expectsContinue: expectsContinue)
    }

    private static func splitLines(_ bytes: ArraySlice<UInt8>) throws(HTTPRejection) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == cr {
                guard index + 1 < bytes.endIndex, bytes[index + 1] == lf else {
                    throw HTTPRejection(.malformedRequest, "bare CR in the request head")
                }
                lines.append(bytes[start..<index])
                index += 2
                start = index
            } else if byte == lf {
                throw HTTPRejection(.malformedRequest, "line ends in LF without CR")
            } else {
                index += 1
            }
        }
        lines.append(bytes[start..<bytes.endIndex])
        return lines
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPRejection) -> (HTTPMethod, String, HTTPVersion) {
        let parts = line.split(separator: space, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw HTTPRejection(.malformedRequest, "the request line must be: method SP target SP version") }
        let method = parts[0]
        let target = parts[1]
        let version = parts[2]
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else {
            throw HTTPRejection(.malformedRequest, "the method is not a token")
        }
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPRejection(.malformedRequest, "the request target is empty or has characters outside visible ASCII")
        }
        let versionText = Array(version)
        guard versionText.count == 8, versionText.starts(with: Array("HTTP/".utf8)),
              isDigit(versionText[5]), versionText[6] == UInt8(ascii: "."), isDigit(versionText[7]) else {
            throw HTTPRejection(.malformedRequest, "the HTTP version is malformed")
        }
        let parsed = HTTPVersion(major: Int(versionText[5] - 0x30), minor: Int(versionText[7] - 0x30))
        guard parsed == .http1_1 || parsed == .http1_0 else {
            throw HTTPRejection(.versionNotSupported, "\(parsed) is not supported; use HTTP/1.1")
        }
        return (HTTPMethod(String(decoding: method, as: UTF8.self)), String(decoding: target, as: UTF8.self), parsed)
    }

    private static func parseField(_ line: ArraySlice<UInt8>) throws(HTTPRejection) -> (name: String, value: String) {
        guard let first = line.first else { throw HTTPRejection(.malformedRequest, "empty header line") }
        if first == space || first == tab {
            throw HTTPRejection(.malformedRequest, "obsolete line folding is not accepted")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw HTTPRejection(.malformedRequest, "a header line has no colon")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw HTTPRejection(.malformedRequest, "a header name is empty or not a token (no space before the colon)")
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == space || byte == tab { value = value.dropFirst() }
        while let byte = value.last, byte == space || byte == tab { value = value.dropLast() }
        guard value.allSatisfy({ $0 == tab || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw HTTPRejection(.malformedRequest, "a header value contains a control character")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private static func splitTarget(_ target: String, method: HTTPMethod) throws(HTTPRejection) -> (String, String?) {
        var pathAndQuery = Substring(target)
        if target == "*" {
            guard method == .options else { throw HTTPRejection(.malformedRequest, "the target * is only allowed with OPTIONS") }
            return ("*", nil)
        }
        if !target.hasPrefix("/") {
            // absolute-form (RFC 9112 §3.2.2): keep the path and query, drop scheme and authority.
            let lowered = target.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"),
                  let schemeEnd = target.range(of: "://") else {
                throw HTTPRejection(.malformedRequest, "the request target must be an absolute path or an http(s) URI")
            }
            let afterScheme = target[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
            guard authorityEnd != afterScheme.startIndex else { throw HTTPRejection(.malformedRequest, "the request target has no authority") }
            pathAndQuery = afterScheme[authorityEnd...]
            if !pathAndQuery.hasPrefix("/") { pathAndQuery = "/" + pathAndQuery }
        }
        if let hash = pathAndQuery.firstIndex(of: "#") { pathAndQuery = pathAndQuery[..<hash] }
        guard let mark = pathAndQuery.firstIndex(of: "?") else { return (String(pathAndQuery), nil) }
        return (String(pathAndQuery[..<mark]), String(pathAndQuery[pathAndQuery.index(after: mark)...]))
    }

    private static func parseContentLength(_ values: [String], maxBodySize: Int) throws(HTTPRejection) -> Int {
        // Repeated or comma-separated values are accepted only when they all agree (RFC 9110 §8.6).
        let elements = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingHTTPWhitespace() }
        guard let first = elements.first else { return 0 }
        guard elements.allSatisfy({ $0 == first }) else {
            throw HTTPRejection(.invalidContentLength, "conflicting Content-Length values")
        }
        guard !first.isEmpty, first.utf8.allSatisfy(isDigit) else {
            throw HTTPRejection(.invalidContentLength, "Content-Length must be decimal digits")
        }
        var length = 0
        for digit in first.utf8 {
            let (times, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(digit - 0x30))
            if overflow1 || overflow2 || sum > maxBodySize {
                throw HTTPRejection(.bodyTooLarge, "Content-Length \(first) exceeds the limit of \(maxBodySize) bytes")
            }
            length = sum
        }
        return length
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

extension RequestHead: Sendable {}
