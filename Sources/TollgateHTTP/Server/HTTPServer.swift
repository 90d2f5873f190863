import Dispatch
import Foundation
import Glibc
import Synchronization

/// An HTTP/1.1 server on POSIX sockets, with optional TLS through OpenSSL.
///
/// One acceptor thread, one thread per open connection (so at most `maxConnections` plus one threads),
/// non-blocking sockets and `poll` for every deadline. Requests are framed by `Content-Length` only;
/// the limits in `HTTPServerConfiguration` are enforced before the handler runs, and the server's own
/// refusals are `application/problem+json` with stable `type` URIs (see `HTTPRejection.Reason`).
///
/// ```swift
/// let server = try HTTPServer(configuration: .init(port: 8080)) { request in
///     .text("hello")
/// }
/// let signals = server.drainOnSignals()
/// server.waitUntilStopped()
/// ```
public final class HTTPServer {
    /// Answers one request. Runs on the connection's thread; may block (requests on other connections
    /// proceed on their own threads).
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private enum Phase {
        case running
        case stopping
        case stopped(drained: Bool)
    }

    private let core: ServerCore
    /// The address the listening socket is bound to.
    public let localAddress: SocketAddress
    private let phase = Mutex(Phase.running)
    private let acceptorExited = DispatchSemaphore(value: 0)
    private let stopped = DispatchGroup()

    /// Binds, listens and starts accepting connections.
    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                socketSystem: any SocketSystem = POSIXSocketSystem(),
                handler: @escaping Handler) throws(HTTPServerError) {
        guard let address = SocketAddress(host: configuration.host, port: configuration.port) else {
            throw HTTPServerError(.invalidConfiguration, "'\(configuration.host)' port \(configuration.port) is not a numeric IPv4 or IPv6 address and port")
        }
        guard configuration.maxConnections > 0, configuration.maxHeadSize > 0, configuration.maxBodySize >= 0,
              configuration.maxHeaderCount >= 0 else {
            throw HTTPServerError(.invalidConfiguration, "connection, head and body limits must be positive")
        }
        let tls = try configuration.tls.map { tls throws(HTTPServerError) in try TLSContext(tls) }
        let wake: WakePipe
        do {
            wake = try WakePipe(system: socketSystem)
        } catch {
            throw HTTPServerError(.socket, "cannot create the wake socket pair: \(error)")
        }
        let listener = try Self.listen(on: address, backlog: configuration.listenBacklog, system: socketSystem)
        do {
            localAddress = try socketSystem.localAddress(of: listener)
        } catch {
            try? socketSystem.close(listener)
            throw HTTPServerError(.bind, "getsockname failed: \(error)")
        }
        core = ServerCore(configuration: configuration, system: socketSystem, handler: handler, wake: wake, tls: tls)
        stopped.enter()
        let core = core
        let exited = acceptorExited
        let thread = Thread {
            Acceptor(listener: listener, core: core).run()
            exited.signal()
        }
        thread.name = "tollgate-http-acceptor"
        thread.start()
    }

    deinit {
        // Stop accepting if nobody called shutdown(); running connections finish on their own.
        let wasRunning = phase.withLock { phase -> Bool in
            if case .running = phase { return true }
            return false
        }
        if wasRunning {
            core.registry.beginDraining()
            core.wake.signal()
            stopped.leave()
        }
    }

    /// The bound port (useful with port 0).
    public var port: Int { localAddress.port }

    /// The configuration the server runs with.
    public var configuration: HTTPServerConfiguration { core.configuration }

    /// A snapshot of the counters.
    public var metrics: HTTPServerMetrics {
        core.metrics.snapshot(openConnections: core.registry.count)
    }

    /// Drains the server: stops accepting (new connections are refused), closes idle keep-alive
    /// connections, lets requests under way finish and answers them with `Connection: close`, and waits
    /// up to `drainTimeout` (default: the configuration's) for the last connection to close. Connections
    /// still open after that are cut.
    ///
    /// Safe to call more than once and from several threads; later calls wait for the first to finish.
    /// - Returns: true when every connection finished within the deadline.
    @discardableResult
    public func shutdown(drainTimeout: Duration? = nil) -> Bool {
        let first = phase.withLock { phase -> Bool in
            guard case .running = phase else { return false }
            phase = .stopping
            return true
        }
        guard first else {
            stopped.wait()
            return phase.withLock { phase in
                if case .stopped(let drained) = phase { return drained }
                return false
            }
        }
        core.registry.beginDraining()
        core.wake.signal()
        acceptorExited.wait()
        let drained = core.registry.waitUntilEmpty(timeout: drainTimeout ?? core.configuration.drainTimeout)
        if !drained {
            core.registry.cutAll(system: core.system)
        }
        phase.withLock { $0 = .stopped(drained: drained) }
        stopped.leave()
        return drained
    }

    /// Blocks until `shutdown()` has finished (for example one triggered by `drainOnSignals`).
    public func waitUntilStopped() {
        stopped.wait()
    }

    /// Starts draining the server when the process receives one of `signals`; keep the returned
    /// source alive for as long as the signals should be handled.
    public func drainOnSignals(_ signals: [CInt] = [SIGTERM, SIGINT]) -> ShutdownSignalSource {
        ShutdownSignalSource(signals: signals) { [self] in self.shutdown() }
    }

    private static func listen(on address: SocketAddress, backlog: Int, system: any SocketSystem) throws(HTTPServerError) -> CInt {
        let descriptor: CInt
        do {
            descriptor = try system.socket(family: address.family)
        } catch {
            throw HTTPServerError(.socket, "socket failed: \(error)")
        }
        do {
            try system.setOption(descriptor, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            if address.family == AF_INET6 {
                try system.setOption(descriptor, level: CInt(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 0)
            }
            try system.bind(descriptor, to: address)
        } catch {
            try? system.close(descriptor)
            throw HTTPServerError(.bind, "cannot bind \(address): \(error)")
        }
        do {
            try system.listen(descriptor, backlog: CInt(clamping: backlog))
        } catch {
            try? system.close(descriptor)
            throw HTTPServerError(.listen, "listen on \(address) failed: \(error)")
        }
        return descriptor
    }
}

extension HTTPServer: Sendable {}
