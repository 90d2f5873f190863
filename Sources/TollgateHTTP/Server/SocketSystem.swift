import Glibc
import TollgateHTTPMessages

/// The socket system calls the server makes, one thin method per call, so tests can inject faults.
///
/// Every descriptor the server opens is non-blocking and close-on-exec; methods report failure by
/// throwing the call's `errno`. `POSIXSocketSystem` is the real implementation.
public protocol SocketSystem: Sendable {
    /// `socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)`.
    func socket(family: CInt) throws(SocketErrno) -> CInt
    /// `setsockopt` with an integer value.
    func setOption(_ descriptor: CInt, level: CInt, name: CInt, value: CInt) throws(SocketErrno)
    func bind(_ descriptor: CInt, to address: SocketAddress) throws(SocketErrno)
    func listen(_ descriptor: CInt, backlog: CInt) throws(SocketErrno)
    /// `getsockname`.
    func localAddress(of descriptor: CInt) throws(SocketErrno) -> SocketAddress
    /// `accept` returning a non-blocking, close-on-exec descriptor and the peer's address.
    func accept(_ descriptor: CInt) throws(SocketErrno) -> (descriptor: CInt, peer: SocketAddress)
    /// `read`; 0 means the peer closed its side.
    func read(_ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer) throws(SocketErrno) -> Int
    /// `send` without raising `SIGPIPE`; may write fewer bytes than given.
    func write(_ descriptor: CInt, from buffer: UnsafeRawBufferPointer) throws(SocketErrno) -> Int
    /// `poll`; returns how many descriptors have events, 0 on timeout. A negative timeout waits forever.
    func poll(_ descriptors: inout [pollfd], timeoutMilliseconds: CInt) throws(SocketErrno) -> Int
    /// `shutdown` with `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
    func shutdown(_ descriptor: CInt, how: CInt) throws(SocketErrno)
    func close(_ descriptor: CInt) throws(SocketErrno)
    /// `socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC)`: two connected local sockets.
    func socketPair() throws(SocketErrno) -> (CInt, CInt)
    /// `epoll_create1(EPOLL_CLOEXEC)`.
    func epollCreate() throws(SocketErrno) -> CInt
    /// `epoll_ctl(EPOLL_CTL_ADD)`, level-triggered, with the descriptor itself as the event's data.
    func epollAdd(_ epoll: CInt, descriptor: CInt, events: EpollEvents) throws(SocketErrno)
    /// `epoll_ctl(EPOLL_CTL_MOD)`.
    func epollModify(_ epoll: CInt, descriptor: CInt, events: EpollEvents) throws(SocketErrno)
    /// `epoll_ctl(EPOLL_CTL_DEL)`.
    func epollRemove(_ epoll: CInt, descriptor: CInt) throws(SocketErrno)
    /// `epoll_wait` for at most `maxEvents` events; an empty array on timeout. A negative timeout waits forever.
    func epollWait(_ epoll: CInt, maxEvents: Int, timeoutMilliseconds: CInt) throws(SocketErrno) -> [EpollEvent]
}
