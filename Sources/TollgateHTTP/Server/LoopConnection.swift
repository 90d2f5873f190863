import TollgateHTTPMessages
/// One accepted connection as the event loop holds it: its phase, buffers and deadline epoch. Only the
/// loop thread touches it; while a worker runs its handler (or head check) the loop leaves it alone.
final class LoopConnection {
    enum Phase {
        /// TLS handshake under way.
        case handshaking
        /// Waiting for (the rest of) a request head; `started` tells whether any of it has arrived.
        case awaitingHead
        /// A worker runs the head check; the body is not read meanwhile.
        case checkingHead
        /// The body does not fit in the bytes-in-flight budget yet; nothing is read meanwhile.
        case awaitingBudget
        case readingBody
        /// A worker runs the handler.
        case handling
        case writing
        /// Sending side closed; unread input is discarded until the peer closes or time is up.
        case lingering
    }

    /// 0 for a connection refused at a cap, which only lingers and is not in the registry.
    let id: UInt64
    let descriptor: CInt
    let peer: SocketAddress
    let peerHost: String
    var transport: (any ConnectionTransport)?
    let acceptedAt: Deadline

    var phase: Phase = .awaitingHead
    /// Changes with every phase or deadline change; timers and queues holding an older one are stale.
    var epoch: UInt64 = 0
    /// What the connection is registered for in epoll; nil when it is not registered.
    var registered: EpollEvents?

    /// Bytes read but not yet consumed: the head being read, and whatever a client pipelined after it.
    var buffer: [UInt8] = []
    /// How much of `buffer` is known not to end the head.
    var scanned = 0
    /// Whether a byte of the current request has arrived (the idle wait is over).
    var started = false
    var isFirstRequest = true
    var head: RequestHead?
    var body: [UInt8] = []
    var bodyFilled = 0
    /// Bytes of the body budget this connection holds.
    var reserved = 0
    var outbound: [UInt8] = []
    var outboundOffset = 0
    var keepAliveAfterWrite = false
    /// Whether the write is a handler's (or head check's) answer: counted as served, its failure as an error.
    var answersRequest = false
    var discarded = 0

    init(id: UInt64, descriptor: CInt, peer: SocketAddress, transport: (any ConnectionTransport)?) {
        self.id = id
        self.descriptor = descriptor
        self.peer = peer
        self.peerHost = peer.host
        self.transport = transport
        self.acceptedAt = .now
    }

    var ticket: WorkerPool.Ticket { WorkerPool.Ticket(descriptor: descriptor, id: id) }

    /// Idle: between requests or before the first byte (or the end of the TLS handshake).
    var isIdle: Bool {
        phase == .handshaking || (phase == .awaitingHead && !started && buffer.isEmpty)
    }
}
