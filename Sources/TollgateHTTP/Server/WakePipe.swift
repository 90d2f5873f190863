/// A local socket pair whose read end becomes readable, for good, once the server starts shutting down;
/// the event loop watches it, so a write from any thread (shutdown, deinit) starts the drain.
final class WakePipe: Sendable {
    let readEnd: CInt
    private let writeEnd: CInt
    private let system: any SocketSystem

    init(system: any SocketSystem) throws(SocketErrno) {
        (readEnd, writeEnd) = try system.socketPair()
        self.system = system
    }

    deinit {
        try? system.close(readEnd)
        try? system.close(writeEnd)
    }

    /// Makes the read end readable; never drained, so every later poll sees it too.
    func signal() {
        let byte: [UInt8] = [1]
        _ = byte.withUnsafeBytes { try? system.write(writeEnd, from: $0) }
    }
}
