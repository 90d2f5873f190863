import Foundation
import Glibc

/// Accepts connections on the listening socket and starts one thread per connection.
///
/// Runs on its own thread until the wake pipe fires. Connections beyond the cap are answered 503
/// (cleartext only; a TLS connection at the cap is closed, since no response can be sent before a
/// handshake) and kept briefly in a lingering set so the client reads the answer, not a reset.
/// `accept` failures such as `EMFILE` are counted and retried after a short back-off.
final class Acceptor {
    private let listener: CInt
    private let core: ServerCore
    private var lingering: [(descriptor: CInt, deadline: Deadline)] = []

    private static let maxLingering = 64
    private static let acceptBackoffMilliseconds: CInt = 50

    init(listener: CInt, core: ServerCore) {
        self.listener = listener
        self.core = core
    }

    private var system: any SocketSystem { core.system }

    func run() {
        defer {
            try? system.close(listener)
            for entry in lingering { try? system.close(entry.descriptor) }
            lingering.removeAll()
        }
        while true {
            var descriptors = [pollfd(fd: core.wake.readEnd, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            descriptors += lingering.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            let timeout = lingering.map(\.deadline).min().map { max(1, $0.remainingMilliseconds) } ?? -1
            do {
                _ = try system.poll(&descriptors, timeoutMilliseconds: timeout)
            } catch {
                pause(milliseconds: Self.acceptBackoffMilliseconds)
                continue
            }
            if descriptors[0].revents != 0 { return }
            serviceLingering(readiness: Array(descriptors.dropFirst(2)))
            if descriptors[1].revents != 0 {
                acceptPending()
            }
        }
    }

    private func acceptPending() {
        while true {
            let accepted: (descriptor: CInt, peer: SocketAddress)
            do {
                accepted = try system.accept(listener)
            } catch {
                switch error {
                case .wouldBlock:
                    return
                case .connectionAborted, .interrupted:
                    continue
                default:
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM…: the connection stays queued; back off, then retry.
                    core.metrics.update { $0.acceptErrors += 1 }
                    pause(milliseconds: Self.acceptBackoffMilliseconds)
                    return
                }
            }
            try? system.setOption(accepted.descriptor, level: CInt(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            guard let id = core.registry.register(accepted.descriptor) else {
                refuseAtCapacity(accepted.descriptor)
                continue
            }
            core.metrics.update { $0.connectionsAccepted += 1 }
            let core = core
            let thread = Thread {
                Connection.serve(id: id, descriptor: accepted.descriptor, peer: accepted.peer, core: core)
            }
            thread.name = "tollgate-http-\(id)"
            thread.start()
        }
    }

    private func refuseAtCapacity(_ descriptor: CInt) {
        core.metrics.recordRejection(.connectionLimit)
        guard core.tls == nil, lingering.count < Self.maxLingering else {
            try? system.close(descriptor)
            return
        }
        let rejection = HTTPRejection(.connectionLimit, "the server has \(core.configuration.maxConnections) open connections; retry shortly")
        let response = HTTPResponse.problem(rejection.problem, headers: ["Retry-After": "1"])
        let bytes = ResponseEncoder.encode(response, requestVersion: .http1_1, keepAlive: false, isHeadRequest: false)
        // A fresh socket's send buffer takes this small response whole; whatever does not fit is lost.
        _ = bytes.withUnsafeBytes { try? system.write(descriptor, from: $0) }
        try? system.shutdown(descriptor, how: CInt(SHUT_WR))
        lingering.append((descriptor, .after(core.configuration.lingerTimeout)))
    }

    /// Discards input on refused connections and closes those that finished or whose time is up.
    private func serviceLingering(readiness: [pollfd]) {
        var scratch = [UInt8](repeating: 0, count: 4096)
        var kept: [(descriptor: CInt, deadline: Deadline)] = []
        for (index, entry) in lingering.enumerated() {
            var done = entry.deadline.hasPassed
            if !done, index < readiness.count, readiness[index].revents != 0 {
                let result = scratch.withUnsafeMutableBytes { buffer in Result { () throws(SocketErrno) in try system.read(entry.descriptor, into: buffer) } }
                switch result {
                case .success(let count): done = count == 0
                case .failure(let error): done = error != .wouldBlock
                }
            }
            if done {
                try? system.close(entry.descriptor)
            } else {
                kept.append(entry)
            }
        }
        lingering = kept
    }

    /// Sleeps, but wakes early when the server starts shutting down.
    private func pause(milliseconds: CInt) {
        var descriptors = [pollfd(fd: core.wake.readEnd, events: Int16(POLLIN), revents: 0)]
        _ = try? system.poll(&descriptors, timeoutMilliseconds: milliseconds)
    }
}
