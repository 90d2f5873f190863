import Glibc
import Synchronization
import TollgateHTTP
import TollgateHTTPMessages

/// The real socket calls, with faults injected on accepted connections as a test plans them.
final class FaultySocketSystem: SocketSystem {
    struct Plan {
        /// Errors the next `accept` calls fail with (before touching the real queue), in order.
        var acceptErrors: [SocketErrno] = []
        /// Errors the next writes on accepted sockets fail with, in order.
        var writeErrors: [SocketErrno] = []
        /// Errors the next reads on accepted sockets fail with, in order.
        var readErrors: [SocketErrno] = []
        /// Most bytes one write on an accepted socket moves (partial writes).
        var maxWriteSize: Int?
        /// Most bytes one read on an accepted socket returns (fragmented input).
        var maxReadSize: Int?
    }

    private let real = POSIXSocketSystem()
    private let plan: Mutex<Plan>
    private let accepted = Mutex<Set<CInt>>([])
    private let counts = Mutex<[String: Int]>([:])

    init(_ plan: Plan) {
        self.plan = Mutex(plan)
    }

    func count(_ call: String) -> Int { counts.withLock { $0[call, default: 0] } }
    private func note(_ call: String) { counts.withLock { $0[call, default: 0] += 1 } }
    private func isAccepted(_ descriptor: CInt) -> Bool { accepted.withLock { $0.contains(descriptor) } }

    func socket(family: CInt) throws(SocketErrno) -> CInt { try real.socket(family: family) }
    func setOption(_ descriptor: CInt, level: CInt, name: CInt, value: CInt) throws(SocketErrno) {
        try real.setOption(descriptor, level: level, name: name, value: value)
    }
    func bind(_ descriptor: CInt, to address: SocketAddress) throws(SocketErrno) { try real.bind(descriptor, to: address) }
    func listen(_ descriptor: CInt, backlog: CInt) throws(SocketErrno) { try real.listen(descriptor, backlog: backlog) }
    func localAddress(of descriptor: CInt) throws(SocketErrno) -> SocketAddress { try real.localAddress(of: descriptor) }

    func accept(_ descriptor: CInt) throws(SocketErrno) -> (descriptor: CInt, peer: SocketAddress) {
        if let error = plan.withLock({ $0.acceptErrors.isEmpty ? nil : $0.acceptErrors.removeFirst() }) {
            note("accept-fault")
            throw error
        }
        let result = try real.accept(descriptor)
        accepted.withLock { _ = $0.insert(result.descriptor) }
        return result
    }

    func read(_ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer) throws(SocketErrno) -> Int {
        guard isAccepted(descriptor) else { return try real.read(descriptor, into: buffer) }
        let (error, limit) = plan.withLock { ($0.readErrors.isEmpty ? nil : $0.readErrors.removeFirst(), $0.maxReadSize) }
        if let error {
            note("read-fault")
            throw error
        }
        let size = min(buffer.count, limit ?? buffer.count)
        return try real.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]))
    }

    func write(_ descriptor: CInt, from buffer: UnsafeRawBufferPointer) throws(SocketErrno) -> Int {
        guard isAccepted(descriptor) else { return try real.write(descriptor, from: buffer) }
        let (error, limit) = plan.withLock { ($0.writeErrors.isEmpty ? nil : $0.writeErrors.removeFirst(), $0.maxWriteSize) }
        if let error {
            note("write-fault")
            throw error
        }
        let size = min(buffer.count, limit ?? buffer.count)
        if size < buffer.count { note("partial-write") }
        return try real.write(descriptor, from: UnsafeRawBufferPointer(rebasing: buffer[0..<size]))
    }

    func poll(_ descriptors: inout [pollfd], timeoutMilliseconds: CInt) throws(SocketErrno) -> Int {
        try real.poll(&descriptors, timeoutMilliseconds: timeoutMilliseconds)
    }
    func shutdown(_ descriptor: CInt, how: CInt) throws(SocketErrno) { try real.shutdown(descriptor, how: how) }

    func close(_ descriptor: CInt) throws(SocketErrno) {
        accepted.withLock { _ = $0.remove(descriptor) }
        try real.close(descriptor)
    }

    func socketPair() throws(SocketErrno) -> (CInt, CInt) { try real.socketPair() }

    func epollCreate() throws(SocketErrno) -> CInt { try real.epollCreate() }
    func epollAdd(_ epoll: CInt, descriptor: CInt, events: EpollEvents) throws(SocketErrno) {
        try real.epollAdd(epoll, descriptor: descriptor, events: events)
    }
    func epollModify(_ epoll: CInt, descriptor: CInt, events: EpollEvents) throws(SocketErrno) {
        try real.epollModify(epoll, descriptor: descriptor, events: events)
    }
    func epollRemove(_ epoll: CInt, descriptor: CInt) throws(SocketErrno) { try real.epollRemove(epoll, descriptor: descriptor) }
    func epollWait(_ epoll: CInt, maxEvents: Int, timeoutMilliseconds: CInt) throws(SocketErrno) -> [EpollEvent] {
        note("epoll-wait")
        return try real.epollWait(epoll, maxEvents: maxEvents, timeoutMilliseconds: timeoutMilliseconds)
    }
}
