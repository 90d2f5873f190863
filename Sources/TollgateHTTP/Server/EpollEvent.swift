/// One readiness report from `epoll_wait`: the descriptor registered and what it is ready for.
public struct EpollEvent: Hashable, Sendable {
    public var descriptor: CInt
    public var events: EpollEvents

    public init(descriptor: CInt, events: EpollEvents) {
        self.descriptor = descriptor
        self.events = events
    }
}
