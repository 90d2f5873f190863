import Glibc

/// Serves the requests of one accepted connection on its own thread.
///
/// The socket is non-blocking; every wait is a `poll` bounded by the deadline of the current step (TLS
/// handshake, idle wait, request head, body, response), so a slow or silent peer costs one parked thread
/// for at most that long. Idle waits also poll the server's wake pipe, so draining closes idle
/// connections at once while requests already under way run to completion.
final class Connection {
    private let id: UInt64
    private let descriptor: CInt
    private let peer: SocketAddress
    private let core: ServerCore
    private let transport: any ConnectionTransport
    private let acceptedAt: Deadline
    private var buffer: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 16 * 1024)

    private var configuration: HTTPServerConfiguration { core.configuration }
    private var system: any SocketSystem { core.system }

    /// Serves `descriptor` until the peer leaves, an error ends it, or the server drains; then closes it.
    /// The connection leaves the registry last, once its socket is closed and its TLS state freed, so
    /// a drained server has no connection work left (a process may exit right after).
    static func serve(id: UInt64, descriptor: CInt, peer: SocketAddress, core: ServerCore) {
        serveAndClose(id: id, descriptor: descriptor, peer: peer, core: core)
        core.registry.remove(id)
    }

    private static func serveAndClose(id: UInt64, descriptor: CInt, peer: SocketAddress, core: ServerCore) {
        let transport: any ConnectionTransport
        if let tls = core.tls {
            do {
                transport = try TLSTransport(context: tls, descriptor: descriptor, system: core.system)
            } catch {
                core.metrics.update { $0.tlsHandshakeFailures += 1 }
                try? core.system.close(descriptor)
                return
            }
        } else {
            transport = PlainTransport(descriptor: descriptor, system: core.system)
        }
        let connection = Connection(id: id, descriptor: descriptor, peer: peer, core: core, transport: transport)
        connection.run()
        try? core.system.close(descriptor)
    }

    private init(id: UInt64, descriptor: CInt, peer: SocketAddress, core: ServerCore, transport: any ConnectionTransport) {
        self.id = id
        self.descriptor = descriptor
        self.peer = peer
        self.core = core
        self.transport = transport
        self.acceptedAt = .now
    }

    // MARK: Request loop

    private func run() {
        if let tls = configuration.tls, !completeHandshake(deadline: acceptedAt.adding(tls.handshakeTimeout)) {
            core.metrics.update { $0.tlsHandshakeFailures += 1 }
            return
        }
        var isFirstRequest = true
        while true {
            // Wait for the first byte of the next request: within the head deadline for the first
            // request, within the idle timeout between requests; draining ends the wait.
            let headStart: Deadline
            if buffer.isEmpty {
                let waitDeadline = isFirstRequest ? acceptedAt.adding(configuration.headTimeout) : .after(configuration.idleTimeout)
                switch receiveMore(until: waitDeadline, watchingShutdown: true) {
                case .received:
                    break
                case .timedOut:
                    core.metrics.update { $0.idleConnectionsClosed += 1 }
                    return
                case .closed, .shutdown:
                    return
                case .failed:
                    core.metrics.update { $0.connectionErrors += 1 }
                    return
                }
            }
            headStart = isFirstRequest ? acceptedAt : .now
            isFirstRequest = false

            let head: RequestHead
            switch readHead(deadline: headStart.adding(configuration.headTimeout)) {
            case .head(let parsed):
                head = parsed
            case .rejected(let rejection):
                reject(rejection)
                return
            case .dropped:
                return
            }

            let body: [UInt8]
            switch readBody(of: head) {
            case .body(let bytes):
                body = bytes
            case .rejected(let rejection):
                reject(rejection)
                return
            case .dropped:
                return
            }

            let request = HTTPRequest(method: head.method, path: head.path, query: head.query, version: head.version,
                                      headers: head.headers, body: body, remoteAddress: peer)
            let response = core.handler(request)
            let keepAlive = head.keepAlive && !ResponseEncoder.requestsClose(response) && !core.registry.isDraining
            let bytes = ResponseEncoder.encode(response, requestVersion: head.version, keepAlive: keepAlive,
                                               isHeadRequest: head.method == .head)
            guard sendAll(bytes, deadline: .after(configuration.writeTimeout)) else {
                core.metrics.update { $0.connectionErrors += 1 }
                return
            }
            core.metrics.update { $0.requestsServed += 1 }
            if !keepAlive {
                lingeringClose()
                return
            }
        }
    }

    private func completeHandshake(deadline: Deadline) -> Bool {
        while true {
            switch transport.handshake() {
            case .transferred:
                return true
            case .wouldBlock(let interest):
                guard wait(for: interest, until: deadline, watchingShutdown: true) == .ready else { return false }
            case .closed, .failed:
                return false
            }
        }
    }

    // MARK: Reading

    private enum HeadOutcome {
        case head(RequestHead)
        case rejected(HTTPRejection)
        case dropped
    }

    private enum BodyOutcome {
        case body([UInt8])
        case rejected(HTTPRejection)
        case dropped
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// Reads until the blank line that ends the head, refusing bare LF at once and heads beyond the cap.
    private func readHead(deadline: Deadline) -> HeadOutcome {
        var scanned = 0
        while true {
            // RFC 9112 §2.2: ignore empty lines before the request line.
            var leading = 0
            while leading + 1 < buffer.count, buffer[leading] == Self.cr, buffer[leading + 1] == Self.lf { leading += 2 }
            if leading > 0 {
                buffer.removeFirst(leading)
                scanned = 0
            }
            var end: Int?
            var index = scanned
            while index < buffer.count {
                if buffer[index] == Self.lf {
                    if index == 0 || buffer[index - 1] != Self.cr {
                        return .rejected(HTTPRejection(.malformedRequest, "line ends in LF without CR"))
                    }
                    if index >= 3, buffer[index - 2] == Self.lf, buffer[index - 3] == Self.cr {
                        end = index + 1
                        break
                    }
                }
                index += 1
            }
            if let end {
                guard end <= configuration.maxHeadSize else {
                    return .rejected(HTTPRejection(.headTooLarge, "the request head exceeds \(configuration.maxHeadSize) bytes"))
                }
                let headBytes = buffer[0..<(end - 4)]
                let parsed: RequestHead
                do {
                    parsed = try RequestHead.parse(headBytes, maxHeaderCount: configuration.maxHeaderCount,
                                                   maxBodySize: configuration.maxBodySize)
                } catch {
                    return .rejected(error)
                }
                buffer.removeFirst(end)
                return .head(parsed)
            }
            // Keep the last byte unscanned: it may be the CR of a CRLF split across reads.
            scanned = max(0, buffer.count - 1)
            guard buffer.count <= configuration.maxHeadSize else {
                return .rejected(HTTPRejection(.headTooLarge, "the request head exceeds \(configuration.maxHeadSize) bytes"))
            }
            switch receiveMore(until: deadline, watchingShutdown: false) {
            case .received:
                continue
            case .timedOut:
                return .rejected(HTTPRejection(.headTimeout, "the request head did not arrive within \(configuration.headTimeout)"))
            case .closed, .shutdown:
                return .dropped
            case .failed:
                core.metrics.update { $0.connectionErrors += 1 }
                return .dropped
            }
        }
    }

    private func readBody(of head: RequestHead) -> BodyOutcome {
        let length = head.contentLength
        guard length > 0 else { return .body([]) }
        if head.expectsContinue, buffer.isEmpty {
            guard sendAll(ResponseEncoder.continueResponse, deadline: .after(configuration.writeTimeout)) else {
                core.metrics.update { $0.connectionErrors += 1 }
                return .dropped
            }
        }
        let deadline = Deadline.after(configuration.bodyTimeout)
        buffer.reserveCapacity(length)
        while buffer.count < length {
            switch receiveMore(until: deadline, watchingShutdown: false) {
            case .received:
                continue
            case .timedOut:
                return .rejected(HTTPRejection(.bodyTimeout, "the request body did not arrive within \(configuration.bodyTimeout)"))
            case .closed, .shutdown:
                return .dropped
            case .failed:
                core.metrics.update { $0.connectionErrors += 1 }
                return .dropped
            }
        }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return .body(body)
    }

    private enum ReceiveResult {
        case received, closed, timedOut, shutdown, failed
    }

    /// Appends whatever the transport has next to `buffer`, waiting until `deadline` at most.
    private func receiveMore(until deadline: Deadline, watchingShutdown: Bool) -> ReceiveResult {
        while true {
            let outcome = scratch.withUnsafeMutableBytes { transport.receive(into: $0) }
            switch outcome {
            case .transferred(let count):
                buffer.append(contentsOf: scratch[0..<count])
                return .received
            case .closed:
                return .closed
            case .failed:
                return .failed
            case .wouldBlock(let interest):
                switch wait(for: interest, until: deadline, watchingShutdown: watchingShutdown) {
                case .ready: continue
                case .timedOut: return .timedOut
                case .shutdown: return .shutdown
                case .failed: return .failed
                }
            }
        }
    }

    // MARK: Writing

    /// Writes all of `bytes`, coping with partial writes; false when the peer is gone or the deadline passed.
    private func sendAll(_ bytes: [UInt8], deadline: Deadline) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let outcome = bytes.withUnsafeBytes { transport.send(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            switch outcome {
            case .transferred(let count):
                offset += count
            case .wouldBlock(let interest):
                guard wait(for: interest, until: deadline, watchingShutdown: false) == .ready else { return false }
            case .closed, .failed:
                return false
            }
        }
        return true
    }

    /// Answers a rejection with its problem+json response and closes the connection.
    private func reject(_ rejection: HTTPRejection) {
        core.metrics.recordRejection(rejection.reason)
        let response = HTTPResponse.problem(rejection.problem)
        let bytes = ResponseEncoder.encode(response, requestVersion: .http1_1, keepAlive: false, isHeadRequest: false)
        if sendAll(bytes, deadline: .after(configuration.writeTimeout)) {
            lingeringClose()
        }
    }

    /// Ends the sending side, then discards input for a moment, so a client still sending its request
    /// reads the response instead of a connection reset caused by unread data.
    private func lingeringClose() {
        transport.closeWrite()
        let deadline = Deadline.after(configuration.lingerTimeout)
        var discarded = 0
        while discarded < 1 << 20 {
            let result = scratch.withUnsafeMutableBytes { buffer in
                Result { () throws(SocketErrno) in try system.read(descriptor, into: buffer) }
            }
            switch result {
            case .success(let count):
                if count == 0 { return }
                discarded += count
            case .failure(let error):
                guard error == .wouldBlock, wait(for: .readable, until: deadline, watchingShutdown: false) == .ready else { return }
            }
        }
    }

    // MARK: Waiting

    private enum WaitResult {
        case ready, timedOut, shutdown, failed
    }

    private func wait(for interest: PollInterest, until deadline: Deadline, watchingShutdown: Bool) -> WaitResult {
        var descriptors = [pollfd(fd: descriptor, events: interest.events, revents: 0)]
        if watchingShutdown {
            descriptors.append(pollfd(fd: core.wake.readEnd, events: Int16(POLLIN), revents: 0))
        }
        let timeout = deadline.remainingMilliseconds
        if timeout == 0 { return .timedOut }
        do {
            let ready = try system.poll(&descriptors, timeoutMilliseconds: timeout)
            if ready == 0 { return deadline.hasPassed ? .timedOut : .ready }
        } catch {
            return .failed
        }
        if watchingShutdown, descriptors[1].revents != 0 { return .shutdown }
        return .ready
    }
}
