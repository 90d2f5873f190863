import Dispatch
import Foundation
import Glibc
import Synchronization
import TollgateHTTPMessages

/// An HTTP/1.1 server on POSIX sockets, with optional TLS through OpenSSL.
///
/// One event-loop thread owns every socket (epoll, non-blocking, TLS included) while it is idle or while
/// a head or body is read and a response written, so an idle connection costs a descriptor and a few
/// hundred bytes rather than a thread; a bounded pool of worker threads runs the handler on complete
/// requests. Requests are framed by `Content-Length` only; the limits in `HTTPServerConfiguration` are
/// enforced before the handler runs, and the server's own refusals are `application/problem+json` with
/// stable `type` URIs (see `HTTPRejection.Reason`).
///
/// ```swift
/// let server = try HTTPServer(configuration: .init(port: 8080)) { request in
///     .text("hello")
/// }
/// let signals = server.drainOnSignals()
/// server.waitUntilStopped()
/// ```
public final class HTTPServer {
    /// Answers one request. Runs on a worker thread; may block (other connections are served meanwhile,
    /// up to `workerThreads` handlers at once).
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse
    /// Looks at the head of a request that carries a body before any of the body is read: nil to read
    /// it and go on to the handler, or a response to answer at once (the connection is then closed, the
    /// body never buffered). Runs on a worker thread; may block. This is how a route refuses an
    /// unauthenticated 16 MiB upload for the price of its head.
    public typealias HeadCheck = @Sendable (HTTPRequestHead) -> HTTPResponse?

    private enum Phase {
        case running
        case stopping
        case stopped(drained: Bool)
    }

    private let core: ServerCore
    /// The handler threads, joined at shutdown so none is still running when the process exits.
    private let pool: WorkerPool
    /// The address the listening socket is bound to.
    public let localAddress: SocketAddress
    private let phase = Mutex(Phase.running)
    private let listenerClosed = DispatchSemaphore(value: 0)
    private let stopped = DispatchGroup()
    /// Signalled when the event loop's thread has returned.
    private let loopEnded = DispatchSemaphore(value: 0)

    /// Binds, listens and starts accepting connections.
    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
                socketSystem: any SocketSystem = POSIXSocketSystem(),
                headCheck: HeadCheck? = nil,
                handler: @escaping Handler) throws(HTTPServerError) {
        guard let address = SocketAddress(host: configuration.host, port: configuration.port) else {
            throw HTTPServerError(.invalidConfiguration, "'\(configuration.host)' port \(configuration.port) is not a numeric IPv4 or IPv6 address and port")
        }
        guard configuration.maxConnections > 0, configuration.maxConnectionsPerPeer > 0, configuration.maxHeadSize > 0,
              configuration.maxBodySize >= 0, configuration.maxHeaderCount >= 0, configuration.workerThreads > 0 else {
            throw HTTPServerError(.invalidConfiguration, "connection, head and body limits and the worker count must be positive")
        }
        guard configuration.maxBodyBytesInFlight >= configuration.maxBodySize else {
            throw HTTPServerError(.invalidConfiguration,
                                  "maxBodyBytesInFlight (\(configuration.maxBodyBytesInFlight)) must hold at least one body of maxBodySize (\(configuration.maxBodySize))")
        }
        let tls = try configuration.tls.map { tls throws(HTTPServerError) in try TLSContext(tls) }
        let wake: WakePipe
        let mailbox: LoopMailbox
        do {
            wake = try WakePipe(system: socketSystem)
            mailbox = try LoopMailbox(system: socketSystem)
        } catch {
            throw HTTPServerError(.socket, "cannot create the wake socket pairs: \(error)")
        }
        let listener = try Self.listen(on: address, backlog: configuration.listenBacklog, system: socketSystem)
        do {
            localAddress = try socketSystem.localAddress(of: listener)
        } catch {
            try? socketSystem.close(listener)
            throw HTTPServerError(.bind, "getsockname failed: \(error)")
        }
        let epoll: CInt
        do {
            epoll = try socketSystem.epollCreate()
        } catch {
            try? socketSystem.close(listener)
            throw HTTPServerError(.socket, "epoll_create1 failed: \(error)")
        }
        do {
            for descriptor in [wake.readEnd, mailbox.readEnd, listener] {
                try socketSystem.epollAdd(epoll, descriptor: descriptor, events: .readable)
            }
        } catch {
            try? socketSystem.close(listener)
            try? socketSystem.close(epoll)
            throw HTTPServerError(.socket, "epoll_ctl failed: \(error)")
        }
        core = ServerCore(configuration: configuration, system: socketSystem, handler: handler, headCheck: headCheck, wake: wake, tls: tls)
        stopped.enter()
        let core = core
        let pool = WorkerPool(threads: configuration.workerThreads, core: core, mailbox: mailbox)
        self.pool = pool
        let closed = listenerClosed
        let loopEnded = loopEnded
        let thread = Thread {
            EventLoop(core: core, epoll: epoll, listener: listener, mailbox: mailbox, pool: pool, listenerClosed: closed).run()
            loopEnded.signal()
        }
        thread.name = "tollgate-http-loop"
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
    /// still open after that are cut. Then it waits (up to that timeout again) for the event loop and
    /// the handler threads to end.
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
        listenerClosed.wait()
        let drained = core.registry.waitUntilEmpty(timeout: drainTimeout ?? core.configuration.drainTimeout)
        if !drained {
            core.registry.cutAll(system: core.system)
        }
        // The loop ends once its connections are gone and then stops the pool; wait for both, so that
        // no thread of the server still runs a handler (SQLite, OpenSSL) while the process exits and
        // its libraries' destructors run. A handler that outlasts another drain timeout is left.
        let deadline = DispatchTime.after(drainTimeout ?? core.configuration.drainTimeout)
        if loopEnded.wait(timeout: deadline) == .success {
            _ = pool.waitUntilEnded(deadline: deadline)
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
        // Weak: the source's thread must never hold the server's last reference (its release would
        // then close the node's store on that thread while the process exits).
        ShutdownSignalSource(signals: signals) { [weak self] in self?.shutdown() }
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
