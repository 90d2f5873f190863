import Glibc

/// Cleartext TCP through the socket system.
final class PlainTransport: ConnectionTransport {
    private let descriptor: CInt
    private let system: any SocketSystem

    init(descriptor: CInt, system: any SocketSystem) {
        self.descriptor = descriptor
        self.system = system
    }

    func handshake() -> TransportOutcome { .transferred(0) }

    func receive(into buffer: UnsafeMutableRawBufferPointer) -> TransportOutcome {
        do {
            let count = try system.read(descriptor, into: buffer)
            return count == 0 ? .closed : .transferred(count)
        } catch {
            return error == .wouldBlock ? .wouldBlock(.readable) : .failed("read: \(error)")
        }
    }

    func send(_ buffer: UnsafeRawBufferPointer) -> TransportOutcome {
        do {
            return .transferred(try system.write(descriptor, from: buffer))
        } catch {
            return error == .wouldBlock ? .wouldBlock(.writable) : .failed("write: \(error)")
        }
    }

    func closeWrite() {
        try? system.shutdown(descriptor, how: CInt(SHUT_WR))
    }
}
