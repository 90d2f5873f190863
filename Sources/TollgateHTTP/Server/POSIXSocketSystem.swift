import CEpoll
import Glibc
import TollgateHTTPMessages

/// The real socket system calls. Calls interrupted by a signal (`EINTR`) are retried, except `close`.
public struct POSIXSocketSystem: SocketSystem {
    public init() {}

    public func socket(family: CInt) throws(SocketErrno) -> CInt {
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        return try check(Glibc.socket(family, type, 0))
    }

    public func setOption(_ descriptor: CInt, level: CInt, name: CInt, value: CInt) throws(SocketErrno) {
        var value = value
        _ = try check(setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<CInt>.size)))
    }

    public func bind(_ descriptor: CInt, to address: SocketAddress) throws(SocketErrno) {
        _ = try address.withSockaddr { pointer, length throws(SocketErrno) in try check(Glibc.bind(descriptor, pointer, length)) }
    }

    public func listen(_ descriptor: CInt, backlog: CInt) throws(SocketErrno) {
        _ = try check(Glibc.listen(descriptor, backlog))
    }

    public func localAddress(of descriptor: CInt) throws(SocketErrno) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SocketErrno) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SocketErrno) in
                try check(getsockname(descriptor, address, &length))
            }
        }
        return SocketAddress(storage: storage, length: length)
    }

    public func accept(_ descriptor: CInt) throws(SocketErrno) -> (descriptor: CInt, peer: SocketAddress) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let accepted = try retrying { () throws(SocketErrno) in
            try withUnsafeMutablePointer(to: &storage) { pointer throws(SocketErrno) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SocketErrno) in
                    try check(Glibc.accept(descriptor, address, &length))
                }
            }
        }
        // Glibc's module does not export accept4 (it needs _GNU_SOURCE), so set the flags afterwards.
        let statusFlags = fcntl(accepted, F_GETFL)
        guard statusFlags >= 0, fcntl(accepted, F_SETFL, statusFlags | O_NONBLOCK) == 0,
              fcntl(accepted, F_SETFD, FD_CLOEXEC) == 0 else {
            let failure = SocketErrno.current
            _ = Glibc.close(accepted)
            throw failure
        }
        return (accepted, SocketAddress(storage: storage, length: length))
    }

    public func read(_ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer) throws(SocketErrno) -> Int {
        try retrying { () throws(SocketErrno) in try check(Glibc.read(descriptor, buffer.baseAddress, buffer.count)) }
    }

    public func write(_ descriptor: CInt, from buffer: UnsafeRawBufferPointer) throws(SocketErrno) -> Int {
        try retrying { () throws(SocketErrno) in
            try check(send(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_NOSIGNAL)))
        }
    }

    public func poll(_ descriptors: inout [pollfd], timeoutMilliseconds: CInt) throws(SocketErrno) -> Int {
        let count = nfds_t(descriptors.count)
        return try retrying { () throws(SocketErrno) in
            try check(descriptors.withUnsafeMutableBufferPointer { Int(Glibc.poll($0.baseAddress, count, timeoutMilliseconds)) })
        }
    }

    public func shutdown(_ descriptor: CInt, how: CInt) throws(SocketErrno) {
        _ = try check(Glibc.shutdown(descriptor, how))
    }

    public func close(_ descriptor: CInt) throws(SocketErrno) {
        // Linux releases the descriptor even when close reports EINTR, so it is never retried.
        _ = try check(Glibc.close(descriptor))
    }

    public func socketPair() throws(SocketErrno) -> (CInt, CInt) {
        var ends: [CInt] = [-1, -1]
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        _ = try check(socketpair(AF_UNIX, type, 0, &ends))
        return (ends[0], ends[1])
    }

    public func epollCreate() throws(SocketErrno) -> CInt {
        try check(epoll_create1(CInt(EPOLL_CLOEXEC)))
    }

    public func epollAdd(_ epoll: CInt, descriptor: CInt, events: EpollEvents) throws(SocketErrno) {
        try control(epoll, EPOLL_CTL_ADD, descriptor, events)
    }

    public func epollModify(_ epoll: CInt, descriptor: CInt, events: EpollEvents) throws(SocketErrno) {
        try control(epoll, EPOLL_CTL_MOD, descriptor, events)
    }

    public func epollRemove(_ epoll: CInt, descriptor: CInt) throws(SocketErrno) {
        try control(epoll, EPOLL_CTL_DEL, descriptor, [])
    }

    public func epollWait(_ epoll: CInt, maxEvents: Int, timeoutMilliseconds: CInt) throws(SocketErrno) -> [EpollEvent] {
        var raw = [epoll_event](repeating: epoll_event(), count: max(1, maxEvents))
        let count = try retrying { () throws(SocketErrno) in
            try check(raw.withUnsafeMutableBufferPointer { Int(epoll_wait(epoll, $0.baseAddress, CInt($0.count), timeoutMilliseconds)) })
        }
        return raw[0..<count].map { EpollEvent(descriptor: CInt(truncatingIfNeeded: $0.data.u64), events: EpollEvents(rawValue: $0.events)) }
    }

    private func control(_ epoll: CInt, _ operation: CInt, _ descriptor: CInt, _ events: EpollEvents) throws(SocketErrno) {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.u64 = UInt64(UInt32(bitPattern: descriptor))
        _ = try check(epoll_ctl(epoll, operation, descriptor, &event))
    }

    private func check<T: BinaryInteger>(_ result: T) throws(SocketErrno) -> T {
        if result < 0 { throw SocketErrno.current }
        return result
    }

    private func retrying<T>(_ call: () throws(SocketErrno) -> T) throws(SocketErrno) -> T {
        while true {
            do {
                return try call()
            } catch where error == .interrupted {
                continue
            }
        }
    }
}

extension POSIXSocketSystem: Sendable {}
