/// Readiness bits of an epoll registration or event (`EPOLLIN`, `EPOLLOUT`, …), so the socket seam
/// needs no C types in its signatures.
public struct EpollEvents: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `EPOLLIN`.
    public static let readable = EpollEvents(rawValue: 0x001)
    /// `EPOLLOUT`.
    public static let writable = EpollEvents(rawValue: 0x004)
    /// `EPOLLERR`, always reported.
    public static let error = EpollEvents(rawValue: 0x008)
}
