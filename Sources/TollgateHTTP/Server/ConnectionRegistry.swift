import Dispatch
import Glibc
import Synchronization

/// The open connections: enforces the connection cap, knows when the server is draining, and lets
/// `shutdown()` wait for the last connection or cut the ones that outlive the drain deadline.
final class ConnectionRegistry: Sendable {
    private struct State {
        var draining = false
        var nextID: UInt64 = 0
        var descriptors: [UInt64: CInt] = [:]
    }

    private let state = Mutex(State())
    private let open = DispatchGroup()
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Registers an accepted socket; nil when the cap is reached or the server is draining.
    func register(_ descriptor: CInt) -> UInt64? {
        state.withLock { state -> UInt64? in
            guard !state.draining, state.descriptors.count < limit else { return nil }
            state.nextID += 1
            state.descriptors[state.nextID] = descriptor
            open.enter()
            return state.nextID
        }
    }

    /// Forgets a connection; call before closing its descriptor, so `cutAll` never touches a reused number.
    func remove(_ id: UInt64) {
        let removed = state.withLock { $0.descriptors.removeValue(forKey: id) != nil }
        if removed { open.leave() }
    }

    var count: Int { state.withLock { $0.descriptors.count } }
    var isDraining: Bool { state.withLock { $0.draining } }

    func beginDraining() {
        state.withLock { $0.draining = true }
    }

    /// Waits until every connection is gone; false when `timeout` passed first.
    func waitUntilEmpty(timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        return open.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .success
    }

    /// Shuts down both directions of every open connection so their threads' I/O fails and they exit.
    func cutAll(system: any SocketSystem) {
        state.withLock { state in
            for descriptor in state.descriptors.values {
                try? system.shutdown(descriptor, how: CInt(SHUT_RDWR))
            }
        }
    }
}
