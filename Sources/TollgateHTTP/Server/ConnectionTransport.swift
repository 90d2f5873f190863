import Glibc

/// What one non-blocking transport call achieved.
enum TransportOutcome {
    /// Bytes moved (for a handshake: it completed).
    case transferred(Int)
    /// The peer closed its side.
    case closed
    /// Nothing moved; retry once the socket is ready for this.
    case wouldBlock(PollInterest)
    case failed(String)
}

/// The readiness a blocked transport call waits for.
enum PollInterest {
    case readable
    case writable

    var events: Int16 { self == .readable ? Int16(POLLIN) : Int16(POLLOUT) }
}

/// Moves bytes over one accepted, non-blocking socket: in the clear or through TLS.
protocol ConnectionTransport: AnyObject {
    /// Advances the handshake; `.transferred` once it is complete (at once for plain TCP).
    func handshake() -> TransportOutcome
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> TransportOutcome
    func send(_ buffer: UnsafeRawBufferPointer) -> TransportOutcome
    /// Ends the sending side (TLS `close_notify`, then TCP FIN), best effort and without blocking.
    func closeWrite()
}
