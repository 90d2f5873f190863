@_spi(Fuzzing) import TollgateHTTP

/// The server's request head parser (`RequestHead.parse`): whatever it accepts respects the limits
/// it was given and the framing rules it documents, and written back in origin form it reads the same.
public enum HTTPHeadCheck: FuzzCheck {
    public static let name = "http-head"
    static let maxHeaderCount = 24
    static let maxBodySize = 4096

    public static func run(_ input: [UInt8]) throws(FuzzFailure) {
        let head: RequestHead
        do {
            head = try RequestHead.parse(input[...], maxHeaderCount: maxHeaderCount, maxBodySize: maxBodySize)
        } catch {
            return
        }
        try checkRules(head)
        let again: RequestHead
        do {
            again = try RequestHead.parse(originForm(head)[...], maxHeaderCount: maxHeaderCount, maxBodySize: maxBodySize)
        } catch {
            throw FuzzFailure(.roundTrip, "the head written back in origin form is refused: \(error)")
        }
        try FuzzFailure.require(same(head, again), .roundTrip, "the head written back in origin form reads differently")
    }

    static func checkRules(_ head: RequestHead) throws(FuzzFailure) {
        try FuzzFailure.require((0...maxBodySize).contains(head.contentLength), .limitExceeded,
                                "Content-Length \(head.contentLength) accepted with a cap of \(maxBodySize)")
        try FuzzFailure.require(head.headers.count <= maxHeaderCount, .limitExceeded,
                                "\(head.headers.count) header fields accepted with a cap of \(maxHeaderCount)")
        try FuzzFailure.require(head.version == .http1_1 || head.version == .http1_0, .ruleBroken, "version \(head.version) accepted")
        try FuzzFailure.require(head.path.hasPrefix("/") || (head.path == "*" && head.method == .options), .ruleBroken,
                                "path '\(head.path)' is neither absolute nor OPTIONS *")
        try FuzzFailure.require(!head.headers.contains("Transfer-Encoding"), .ruleBroken, "Transfer-Encoding accepted")
        let hosts = head.headers.values(for: "Host").count
        try FuzzFailure.require(head.version == .http1_0 ? hosts <= 1 : hosts == 1, .ruleBroken, "\(hosts) Host fields accepted")
        let target = head.path + (head.query.map { "?" + $0 } ?? "")
        try FuzzFailure.require(target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, .ruleBroken, "the target holds bytes outside visible ASCII")
        for field in head.headers {
            try FuzzFailure.require(!field.name.isEmpty && !field.name.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: ":") || $0 >= 0x7F },
                                    .ruleBroken, "header name '\(field.name)' is not a token")
            try FuzzFailure.require(!field.value.utf8.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }, .ruleBroken,
                                    "header value of \(field.name) holds a control character")
            try FuzzFailure.require(field.value.utf8.first.map { $0 != 0x20 && $0 != 0x09 } ?? true, .ruleBroken,
                                    "header value of \(field.name) starts with whitespace")
        }
    }

    /// The head as a client would send it to this server: origin-form target, one field per line.
    static func originForm(_ head: RequestHead) -> [UInt8] {
        let target = head.path + (head.query.map { "?" + $0 } ?? "")
        var lines = ["\(head.method) \(target) \(head.version)"]
        lines += head.headers.map { "\($0.name): \($0.value)" }
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    static func same(_ a: RequestHead, _ b: RequestHead) -> Bool {
        a.method == b.method && a.path == b.path && a.query == b.query && a.version == b.version && a.headers == b.headers
            && a.contentLength == b.contentLength && a.keepAlive == b.keepAlive && a.expectsContinue == b.expectsContinue
    }
}
