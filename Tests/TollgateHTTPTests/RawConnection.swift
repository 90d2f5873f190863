import Foundation
import Glibc
import TollgateHTTP
import TollgateHTTPMessages

/// A response read off a raw socket.
struct RawResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
    var problem: ProblemDetails? { try? JSONDecoder().decode(ProblemDetails.self, from: Data(body)) }
}

/// A blocking TCP client that sends exactly the bytes a test gives it, to drive the server precisely.
final class RawConnection {
    let descriptor: CInt
    private var buffer: [UInt8] = []

    struct ConnectError: Error { let errno: CInt }

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback address such as 127.0.0.2, to
    /// appear as a different peer) when given.
    init(port: Int, source: String? = nil) throws {
        let descriptor = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ConnectError(errno: errno) }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                let failure = errno
                close(descriptor)
                throw ConnectError(errno: failure)
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let failure = errno
            close(descriptor)
            throw ConnectError(errno: failure)
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Reads more bytes into the buffer; false on EOF, error or timeout.
    private func fill(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        let remaining = deadline - .now
        guard remaining > .zero else { return false }
        let milliseconds = CInt(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000) + 1
        guard poll(&descriptors, 1, milliseconds) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Reads one response framed by Content-Length (no body for 1xx, 204, 304 or when `isHead`).
    func readResponse(timeout: Duration = .seconds(3), isHead: Bool = false) -> RawResponse? {
        let deadline = ContinuousClock.now + timeout
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            if let range = buffer.firstRange(of: terminator) {
                headEnd = range.upperBound
                break
            }
            guard fill(timeout: deadline - .now) else { return nil }
        }
        guard let headEnd else { return nil }
        let headText = String(decoding: buffer[0..<(headEnd - 4)], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = (status < 200 || status == 204 || status == 304 || isHead) ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
        while buffer.count < headEnd + length {
            guard fill(timeout: deadline - .now) else { return nil }
        }
        let body = Array(buffer[headEnd..<(headEnd + length)])
        buffer.removeFirst(headEnd + length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// True when the peer closes (EOF or reset) within `timeout` without sending anything more.
    func closesSilently(within timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        while ContinuousClock.now < deadline {
            guard poll(&descriptors, 1, 20) >= 0 else { return false }
            if descriptors[0].revents != 0 {
                var byte: UInt8 = 0
                let count = recv(descriptor, &byte, 1, 0)
                return count <= 0 && buffer.isEmpty
            }
        }
        return false
    }

    /// Whether the connection is still open `after` the given time (no EOF, no data).
    func isStillOpen(after duration: Duration) -> Bool {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        let milliseconds = CInt(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        return poll(&descriptors, 1, milliseconds) == 0
    }
}
