import Foundation
import Glibc
import TollgateHTTPMessages
@_spi(Fuzzing) import TollgateHTTP

/// The server's framing of a connection's byte stream: leading empty lines, the head's end, bare LF,
/// the head size cap, `Content-Length` bodies, keep-alive and `Expect: 100-continue`, over a real
/// loopback connection to one `HTTPServer` kept for the whole run.
///
/// The first input byte picks how many bytes each write carries (so requests arrive split at
/// arbitrary points); the rest is the stream, after which the client ends its side and reads every
/// response. A reference reading of the same stream with `RequestHead.parse` predicts the responses:
/// each complete request answered 200 with its body echoed byte for byte, a refusal answered with
/// its status and the connection closed, and nothing for a request cut short (but a `100 Continue`
/// when its head asked for one: the server may invite a body that never comes).
public enum HTTPConnectionCheck: FuzzCheck {
    public static let name = "http-connection"

    static let configuration: HTTPServerConfiguration = {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.maxHeadSize = 2048
        configuration.maxHeaderCount = 24
        configuration.maxBodySize = 4096
        configuration.headTimeout = .seconds(5)
        configuration.bodyTimeout = .seconds(5)
        configuration.lingerTimeout = .milliseconds(500)
        configuration.maxConnections = 16
        return configuration
    }()

    /// The server every input talks to; its handler echoes the request body.
    static let server: HTTPServer = {
        do {
            return try HTTPServer(configuration: configuration) { request in
                HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: request.body)
            }
        } catch {
            fatalError("cannot start the fuzz target's server: \(error)")
        }
    }()

    public static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let first = input.first else { return }
        let stream = Array(input.dropFirst())
        let writeSize = 1 + Int(first) * 8
        let received = try exchange(stream, writeSize: writeSize)
        try compare(received, with: expectedResponses(for: stream))
    }

    // MARK: Reference

    /// One response the server must send.
    struct Expected {
        /// Acceptable status codes (two when arrival order decides between 400 and 431).
        var statuses: Set<Int>
        /// For 200: the body it echoes; nil for a refusal.
        var echoedBody: [UInt8]?
        var isHeadRequest = false
        var mayBeContinued = false
    }

    /// The responses the server must send for `stream`, and whether a lone `100 Continue` may
    /// follow them (for a last request cut short whose head asked for one).
    struct Expectation {
        var responses: [Expected] = []
        var mayEndWithContinue = false
    }

    static func expectedResponses(for stream: [UInt8]) -> Expectation {
        var buffer = stream[...]
        var expected = Expectation()
        while !buffer.isEmpty {
            while buffer.count >= 2, buffer[buffer.startIndex] == cr, buffer[buffer.startIndex + 1] == lf { buffer = buffer.dropFirst(2) }
            guard !buffer.isEmpty else { break }
            var end: Int?
            var index = buffer.startIndex
            while index < buffer.endIndex {
                if buffer[index] == lf {
                    let offset = index - buffer.startIndex
                    if offset == 0 || buffer[index - 1] != cr {
                        // Past the head cap, the server may see the cap exceeded before it sees this LF.
                        let statuses: Set<Int> = offset >= configuration.maxHeadSize ? [400, 431] : [400]
                        expected.responses.append(Expected(statuses: statuses))
                        return expected
                    }
                    if offset >= 3, buffer[index - 2] == lf, buffer[index - 3] == cr {
                        end = offset + 1
                        break
                    }
                }
                index += 1
            }
            guard let end else {
                if buffer.count > configuration.maxHeadSize { expected.responses.append(Expected(statuses: [431])) }
                return expected
            }
            guard end <= configuration.maxHeadSize else {
                expected.responses.append(Expected(statuses: [431]))
                return expected
            }
            let head: RequestHead
            do {
                head = try RequestHead.parse(buffer.prefix(end - 4), maxHeaderCount: configuration.maxHeaderCount,
                                             maxBodySize: configuration.maxBodySize)
            } catch {
                expected.responses.append(Expected(statuses: [error.reason.status.code]))
                return expected
            }
            buffer = buffer.dropFirst(end)
            guard buffer.count >= head.contentLength else {
                expected.mayEndWithContinue = head.expectsContinue && head.contentLength > 0
                return expected
            }
            expected.responses.append(Expected(statuses: [200], echoedBody: Array(buffer.prefix(head.contentLength)),
                                     isHeadRequest: head.method == .head, mayBeContinued: head.expectsContinue && head.contentLength > 0))
            buffer = buffer.dropFirst(head.contentLength)
            if !head.keepAlive { break }
        }
        return expected
    }

    // MARK: Comparison

    struct Response {
        var status: Int
        var contentLength: Int?
        var body: [UInt8]
    }

    static func compare(_ received: [UInt8], with expected: Expectation) throws(FuzzFailure) {
        var rest = received[...]
        for (number, expectation) in expected.responses.enumerated() {
            var response = try nextResponse(&rest, isHeadRequest: expectation.isHeadRequest, number: number)
            if response?.status == 100 {
                try FuzzFailure.require(expectation.mayBeContinued, .framing, "response \(number) is an unexpected 100 Continue")
                response = try nextResponse(&rest, isHeadRequest: expectation.isHeadRequest, number: number)
            }
            guard let response else {
                throw FuzzFailure(.framing, "response \(number) is missing: expected \(expectation.statuses.sorted()), got \(received.count) bytes")
            }
            try FuzzFailure.require(expectation.statuses.contains(response.status), .framing,
                                    "response \(number) has status \(response.status), expected \(expectation.statuses.sorted())")
            if let body = expectation.echoedBody {
                try FuzzFailure.require(response.contentLength == body.count, .framing,
                                        "response \(number) says Content-Length \(response.contentLength ?? -1) for a \(body.count)-byte body")
                if !expectation.isHeadRequest {
                    try FuzzFailure.require(response.body == body, .framing, "response \(number) echoes a different body")
                }
            }
        }
        let count = expected.responses.count
        if expected.mayEndWithContinue, let last = try nextResponse(&rest, isHeadRequest: false, number: count) {
            try FuzzFailure.require(last.status == 100, .framing, "response \(count) answers a request cut short with \(last.status)")
        }
        try FuzzFailure.require(rest.isEmpty, .framing, "\(rest.count) bytes follow the \(count) expected responses")
    }

    /// Reads one response off the front of `bytes`; nil at the end.
    static func nextResponse(_ bytes: inout ArraySlice<UInt8>, isHeadRequest: Bool, number: Int) throws(FuzzFailure) -> Response? {
        guard !bytes.isEmpty else { return nil }
        guard let headEnd = find([cr, lf, cr, lf], in: bytes) else {
            throw FuzzFailure(.framing, "response \(number) has no complete head")
        }
        let head = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self)
        bytes = bytes[(headEnd + 4)...]
        let lines = head.components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw FuzzFailure(.framing, "response \(number) starts with '\(lines[0])'")
        }
        var contentLength: Int?
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        let bodyLength = isHeadRequest || status == 100 ? 0 : contentLength ?? 0
        guard bytes.count >= bodyLength else {
            throw FuzzFailure(.framing, "response \(number) announces \(bodyLength) body bytes, \(bytes.count) arrived")
        }
        let body = Array(bytes.prefix(bodyLength))
        bytes = bytes.dropFirst(bodyLength)
        return Response(status: status, contentLength: contentLength, body: body)
    }

    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    // MARK: Client

    /// Connects, sends `stream` in writes of `writeSize` bytes, ends the sending side and reads
    /// until the server closes.
    static func exchange(_ stream: [UInt8], writeSize: Int) throws(FuzzFailure) -> [UInt8] {
        let port = server.port
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { fatalError("socket: errno \(errno)") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        connect(descriptor, to: &address)
        var offset = 0
        while offset < stream.count {
            let size = min(writeSize, stream.count - offset)
            let sent = stream[offset..<(offset + size)].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // libFuzzer's timer signal can interrupt a write; anything else means the server refused
            // the request and closed, and what it answered is still readable.
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { break }
            offset += sent
        }
        shutdown(descriptor, Int32(SHUT_WR))
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return received
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw FuzzFailure(.framing, "the server neither answered nor closed within 30 s")
            } else {
                // A reset after the server closed with input unread: judge what arrived before it.
                return received
            }
        }
    }

    /// Connects the blocking socket `descriptor` to `address`. A signal (libFuzzer's timer) may
    /// interrupt `connect`, which then goes on in the background: wait for it and read its outcome.
    static func connect(_ descriptor: Int32, to address: inout sockaddr_in) {
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected == 0 { return }
        guard errno == EINTR else { fatalError("connect to the fuzz server: errno \(errno)") }
        var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        while poll(&waiting, 1, 30_000) < 0 && errno == EINTR {}
        var outcome: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &outcome, &length)
        guard waiting.revents & Int16(POLLOUT) != 0, outcome == 0 else {
            fatalError("connect to the fuzz server after an interruption: error \(outcome)")
        }
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
}
