import Dispatch
import Glibc
import Synchronization

/// The open connections: enforces the total and per-peer connection caps, knows when the server is
/// draining, and lets `shutdown()` wait for the last connection or cut the ones that outlive the drain
/// deadline. The event loop registers and removes; any thread may read the count or cut.
final class ConnectionRegistry: Sendable {
    /// Why a connection was not registered.
    enum Refusal {
        case draining, total, peer
    }

    private struct State {
        var draining = false
        var nextID: UInt64 = 0
        var descriptors: [UInt64: CInt] = [:]
        var perPeer: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let open = DispatchGroup()
    private let limit: Int
    private let peerLimit: Int

    init(limit: Int, peerLimit: Int) {
        self.limit = limit
        self.peerLimit = peerLimit
    }

    /// Registers an accepted socket from `peer` (its numeric host); a refusal when a cap is reached or
    /// the server is draining.
    func register(_ descriptor: CInt, peer: String) -> Result<UInt64, RefusalError> {
        state.withLock { state -> Result<UInt64, RefusalError> in
            if state.draining { return .failure(RefusalError(refusal: .draining)) }
            if state.descriptors.count >= limit { return .failure(RefusalError(refusal: .total)) }
            if state.perPeer[peer, default: 0] >= peerLimit { return .failure(RefusalError(refusal: .peer)) }
            state.nextID += 1
            state.descriptors[state.nextID] = descriptor
            state.perPeer[peer, default: 0] += 1
            open.enter()
            return .success(state.nextID)
        }
    }

    struct RefusalError: Error {
        let refusal: Refusal
    }

    /// Forgets a connection; the event loop calls it once the socket is closed and its TLS state freed,
    /// so a drained server has no connection work left.
    func remove(_ id: UInt64, peer: String) {
        let removed = state.withLock { state -> Bool in
            guard state.descriptors.removeValue(forKey: id) != nil else { return false }
            let left = state.perPeer[peer, default: 1] - 1
            state.perPeer[peer] = left > 0 ? left : nil
            return true
        }
        if removed { open.leave() }
    }

    var count: Int { state.withLock { $0.descriptors.count } }
    var isDraining: Bool { state.withLock { $0.draining } }

    func beginDraining() {
        state.withLock { $0.draining = true }
    }

    /// Waits until every connection is gone; false when `timeout` passed first.
    func waitUntilEmpty(timeout: Duration) -> Bool {
        open.wait(timeout: .after(timeout)) == .success
    }

    /// Shuts down both directions of every open connection: the event loop sees them fail and closes
    /// them, and a handler still running finds its connection gone when it answers.
    func cutAll(system: any SocketSystem) {
        state.withLock { state in
            for descriptor in state.descriptors.values {
                try? system.shutdown(descriptor, how: CInt(SHUT_RDWR))
            }
        }
    }
}
