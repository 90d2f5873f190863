import Glibc
import TollgateHTTPMessages

extension SocketAddress {
    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws(SocketErrno) -> T) throws(SocketErrno) -> T {
        var copy = rawStorage
        let length = length
        return try withUnsafePointer(to: &copy) { pointer throws(SocketErrno) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SocketErrno) in try body(address, length) }
        }
    }
}
