import Foundation
import Glibc
import Synchronization

/// A tiny HTTP receiver for webhook deliveries on 127.0.0.1: it takes each POST (head and a
/// `Content-Length` body), records its headers and body, answers the next scripted status (then
/// 200) and closes the connection. Its own thread accepts; `stop()` (or deinit) ends it.
public final class WebhookReceiver: Sendable {
    /// One request as received: header names lowercased.
    public struct Delivery: Sendable {
        public let headers: [String: String]
        public let body: [UInt8]
        /// The status it was answered with.
        public let answered: Int
    }

    public let port: Int
    private let listener: CInt
    private let state: Mutex<(deliveries: [Delivery], script: [Int])>
    private let stopped = DispatchSemaphore(value: 0)
    private let stopping = Mutex(false)

    public struct ListenError: Error { public let errno: CInt }

    /// `answers` are the statuses of the first requests, in order; every later one is answered 200.
    /// `port` 0 takes any free port; another listens where a stopped receiver did, after an outage.
    public init(answers: [Int] = [], port: Int = 0) throws {
        let descriptor = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ListenError(errno: errno) }
        var one: CInt = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let failure = errno
            close(descriptor)
            throw ListenError(errno: failure)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        listener = descriptor
        state = Mutex(([], answers))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "webhook-receiver"
        thread.start()
    }

    deinit {
        stop()
    }

    public var url: String { "http://127.0.0.1:\(port)/hook" }

    /// What arrived so far, in order.
    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// Waits until `condition` holds of the deliveries, polling, for at most `timeout`; whether it did.
    public func waitFor(timeout: Duration = .seconds(30), _ condition: ([Delivery]) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(deliveries) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition(deliveries)
    }

    /// Stops accepting; idempotent.
    public func stop() {
        let first = stopping.withLock { stopping in
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        _ = shutdown(listener, CInt(SHUT_RDWR))
        _ = stopped.wait(timeout: .now() + 5)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { break }
            serve(connection)
            close(connection)
        }
        close(listener)
        stopped.signal()
    }

    private func serve(_ connection: CInt) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var headEnd: Int?
        var headers: [String: String] = [:]
        while true {
            if headEnd == nil, let end = Self.find([13, 10, 13, 10], in: buffer) {
                headEnd = end + 4
                let lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n").dropFirst()
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            if let headEnd, buffer.count >= headEnd + (Int(headers["content-length"] ?? "0") ?? 0) { break }
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            buffer += chunk[..<count]
        }
        let start = headEnd ?? buffer.count, length = Int(headers["content-length"] ?? "0") ?? 0
        let body = Array(buffer[start..<min(buffer.count, start + length)])
        let status = state.withLock { state in
            let status = state.script.isEmpty ? 200 : state.script.removeFirst()
            state.deliveries.append(Delivery(headers: headers, body: body, answered: status))
            return status
        }
        let response = Array("HTTP/1.1 \(status) \(status == 200 ? "OK" : "Error")\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index..<index + needle.count].elementsEqual(needle) { return index }
        return nil
    }
}
