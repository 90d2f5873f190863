import Glibc

/// An `errno` value reported by a socket system call.
public struct SocketErrno: Error, Hashable, CustomStringConvertible {
    public let rawValue: CInt

    public init(_ rawValue: CInt) {
        self.rawValue = rawValue
    }

    /// The calling thread's current `errno`.
    public static var current: SocketErrno { SocketErrno(errno) }

    public var description: String { "\(String(cString: strerror(rawValue))) (errno \(rawValue))" }

    public static let wouldBlock = SocketErrno(EAGAIN)
    public static let interrupted = SocketErrno(EINTR)
    public static let brokenPipe = SocketErrno(EPIPE)
    public static let connectionReset = SocketErrno(ECONNRESET)
    public static let connectionAborted = SocketErrno(ECONNABORTED)
    public static let tooManyOpenFiles = SocketErrno(EMFILE)
    public static let tooManyOpenFilesInSystem = SocketErrno(ENFILE)
}

extension SocketErrno: Sendable {}
