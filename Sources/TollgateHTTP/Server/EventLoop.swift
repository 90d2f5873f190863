import Dispatch
import Glibc
import TollgateHTTPMessages

/// The server's one I/O thread: owns the listening socket and every connection while it is idle, while
/// its TLS handshake, head or body is read and while its response is written, all non-blocking through
/// one epoll set. Complete heads (for the head check) and complete requests go to the worker pool; their
/// outcomes come back through the mailbox.
///
/// Every step has a deadline in one heap: TLS handshake, first byte (head deadline from accept, idle
/// timeout between requests), whole head, body, response write, lingering close, and the wait for body
/// budget. Above the high-water mark idle connections are closed oldest first after a short timeout.
final class EventLoop {
    private let core: ServerCore
    private let epoll: CInt
    private var listener: CInt?
    private let mailbox: LoopMailbox
    private let pool: WorkerPool
    private let listenerClosed: DispatchSemaphore

    private var connections: [CInt: LoopConnection] = [:]
    private var timers = DeadlineHeap()
    private var nextEpoch: UInt64 = 0
    /// Connections in the order they became idle (oldest first), for closing them under pressure.
    private var idleOrder: [(descriptor: CInt, epoch: UInt64, since: Deadline)] = []
    private var idleNext = 0
    /// Connections waiting for body budget, first come first served.
    private var budgetWaiters: [(descriptor: CInt, epoch: UInt64)] = []
    private var bodyBytesInFlight = 0
    private var budgetFreed = false
    private var draining = false
    private var listenerPausedUntil: Deadline?
    private var refusedLingering = 0
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    /// At most this many connections refused at a cap linger at once; beyond, they are closed at once.
    private static let maxRefusedLingering = 64
    private static let acceptBackoff: Duration = .milliseconds(50)
    /// Accepts per readiness report, so a connection flood cannot starve the connections already open.
    private static let maxAcceptsPerWake = 256
    /// Bytes read from one connection per readiness report (level-triggered: the rest comes next round).
    private static let readQuantum = 256 * 1024
    private static let maxLingerDiscard = 1 << 20
    private static let maxEventsPerWait = 512

    init(core: ServerCore, epoll: CInt, listener: CInt, mailbox: LoopMailbox, pool: WorkerPool, listenerClosed: DispatchSemaphore) {
        self.core = core
        self.epoll = epoll
        self.listener = listener
        self.mailbox = mailbox
        self.pool = pool
        self.listenerClosed = listenerClosed
    }

    private var system: any SocketSystem { core.system }
    private var configuration: HTTPServerConfiguration { core.configuration }

    /// Runs until the server drains and the last connection is gone.
    func run() {
        defer {
            if let listener { try? system.close(listener) }
            try? system.close(epoll)
            pool.stop()
        }
        while !(draining && listener == nil && connections.isEmpty) {
            let events: [EpollEvent]
            do {
                events = try system.epollWait(epoll, maxEvents: Self.maxEventsPerWait, timeoutMilliseconds: nextTimeout())
            } catch {
                // Nothing the loop can fix (the set itself failed); retry without spinning.
                var none: [pollfd] = []
                _ = try? system.poll(&none, timeoutMilliseconds: 10)
                continue
            }
            for event in events {
                if event.descriptor == core.wake.readEnd {
                    beginDrain()
                } else if event.descriptor == mailbox.readEnd {
                    deliver(mailbox.take())
                } else if let listener, event.descriptor == listener {
                    acceptPending()
                } else if let connection = connections[event.descriptor] {
                    service(connection)
                }
            }
            fireTimers()
            if core.registry.count > configuration.crowdedConnections { closeOldestIdle() }
            if budgetFreed { grantBudget() }
            resumeListenerIfDue()
            compactQueues()
        }
    }

    // MARK: Accepting

    private func acceptPending() {
        guard let listener else { return }
        for _ in 0..<Self.maxAcceptsPerWake {
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
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM…: the connection stays queued; stop watching the
                    // listener for a moment (the loop keeps serving everything else), then retry.
                    core.metrics.update { $0.acceptErrors += 1 }
                    pauseListener()
                    return
                }
            }
            try? system.setOption(accepted.descriptor, level: CInt(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            switch core.registry.register(accepted.descriptor, peer: accepted.peer.host) {
            case .failure(let refusal):
                refuse(accepted.descriptor, peer: accepted.peer, refusal.refusal)
            case .success(let id):
                core.metrics.update { $0.connectionsAccepted += 1 }
                open(id: id, descriptor: accepted.descriptor, peer: accepted.peer)
            }
        }
    }

    private func open(id: UInt64, descriptor: CInt, peer: SocketAddress) {
        let transport: any ConnectionTransport
        if let tls = core.tls {
            do {
                transport = try TLSTransport(context: tls, descriptor: descriptor, system: system)
            } catch {
                core.metrics.update { $0.tlsHandshakeFailures += 1 }
                try? system.close(descriptor)
                core.registry.remove(id, peer: peer.host)
                return
            }
        } else {
            transport = PlainTransport(descriptor: descriptor, system: system)
        }
        let connection = LoopConnection(id: id, descriptor: descriptor, peer: peer, transport: transport)
        connections[descriptor] = connection
        if let tls = configuration.tls {
            enter(connection, .handshaking, deadline: connection.acceptedAt.adding(tls.handshakeTimeout))
            markIdle(connection)
            advanceHandshake(connection)
        } else {
            enter(connection, .awaitingHead, deadline: connection.acceptedAt.adding(configuration.headTimeout))
            markIdle(connection)
            // Clients usually send at once: try the read now rather than after another epoll round.
            readHead(connection)
        }
    }

    /// Answers 503 on a connection refused at a cap (cleartext only: over TLS nothing can be sent before
    /// a handshake) and lets it linger briefly, so the client reads the answer rather than a reset.
    private func refuse(_ descriptor: CInt, peer: SocketAddress, _ refusal: ConnectionRegistry.Refusal) {
        let rejection: HTTPRejection
        switch refusal {
        case .draining:
            try? system.close(descriptor)
            return
        case .total:
            rejection = HTTPRejection(.connectionLimit, "the server has \(configuration.maxConnections) open connections; retry shortly")
        case .peer:
            rejection = HTTPRejection(.peerConnectionLimit,
                                      "\(peer.host) has \(configuration.maxConnectionsPerPeer) open connections; close some or retry shortly")
        }
        core.metrics.recordRejection(rejection.reason)
        guard core.tls == nil, refusedLingering < Self.maxRefusedLingering else {
            try? system.close(descriptor)
            return
        }
        let response = HTTPResponse.problem(rejection.problem, headers: ["Retry-After": "1"])
        let bytes = ResponseEncoder.encode(response, requestVersion: .http1_1, keepAlive: false, isHeadRequest: false)
        // A fresh socket's send buffer takes this small response whole; whatever does not fit is lost.
        _ = bytes.withUnsafeBytes { try? system.write(descriptor, from: $0) }
        try? system.shutdown(descriptor, how: CInt(SHUT_WR))
        let connection = LoopConnection(id: 0, descriptor: descriptor, peer: peer, transport: nil)
        connections[descriptor] = connection
        refusedLingering += 1
        enter(connection, .lingering, deadline: .after(configuration.lingerTimeout))
        discard(connection)
    }

    private func pauseListener() {
        guard let listener else { return }
        try? system.epollRemove(epoll, descriptor: listener)
        listenerPausedUntil = .after(Self.acceptBackoff)
    }

    private func resumeListenerIfDue() {
        guard let until = listenerPausedUntil, until.hasPassed else { return }
        listenerPausedUntil = nil
        guard let listener else { return }
        do {
            try system.epollAdd(epoll, descriptor: listener, events: .readable)
        } catch {
            pauseListener()
            return
        }
        acceptPending()
    }

    // MARK: Draining

    private func beginDrain() {
        guard !draining else { return }
        draining = true
        try? system.epollRemove(epoll, descriptor: core.wake.readEnd)
        if let listener {
            try? system.epollRemove(epoll, descriptor: listener)
            try? system.close(listener)
            self.listener = nil
        }
        listenerPausedUntil = nil
        listenerClosed.signal()
        // Idle connections go at once; requests under way finish and are answered with Connection: close.
        for connection in Array(connections.values) where connection.id != 0 && connection.isIdle {
            close(connection)
        }
    }

    // MARK: Readiness

    private func service(_ connection: LoopConnection) {
        switch connection.phase {
        case .handshaking: advanceHandshake(connection)
        case .awaitingHead: readHead(connection)
        case .readingBody: readBody(connection)
        case .writing: writeOutbound(connection)
        case .lingering: discard(connection)
        case .checkingHead, .awaitingBudget, .handling: setInterest(connection, nil)
        }
    }

    private func advanceHandshake(_ connection: LoopConnection) {
        guard let transport = connection.transport else { return close(connection) }
        switch transport.handshake() {
        case .transferred:
            if draining { return close(connection) }
            enter(connection, .awaitingHead, deadline: connection.acceptedAt.adding(configuration.headTimeout))
            markIdle(connection)
            readHead(connection)
        case .wouldBlock(let interest):
            setInterest(connection, interest)
        case .closed, .failed:
            core.metrics.update { $0.tlsHandshakeFailures += 1 }
            close(connection)
        }
    }

    private enum HeadScan {
        case complete(RequestHead)
        case rejected(HTTPRejection)
        case incomplete
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    private func readHead(_ connection: LoopConnection) {
        var quantum = Self.readQuantum
        while true {
            switch scanHead(connection) {
            case .complete(let head):
                return headArrived(connection, head)
            case .rejected(let rejection):
                return reject(connection, rejection)
            case .incomplete:
                break
            }
            guard quantum > 0 else { return setInterest(connection, .readable) }
            switch receive(connection) {
            case .received(let count):
                quantum -= count
                if !connection.started {
                    connection.started = true
                    // The head deadline counts from accept for the first request, from its first byte after.
                    let deadline = connection.isFirstRequest ? connection.acceptedAt.adding(configuration.headTimeout)
                                                             : .after(configuration.headTimeout)
                    enter(connection, .awaitingHead, deadline: deadline)
                }
            case .closed:
                return close(connection)
            case .failed:
                core.metrics.update { $0.connectionErrors += 1 }
                return close(connection)
            case .wouldBlock(let interest):
                return setInterest(connection, interest)
            }
        }
    }

    /// Looks for the blank line that ends the head, refusing bare LF at once and heads beyond the cap.
    private func scanHead(_ connection: LoopConnection) -> HeadScan {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        var leading = 0
        let buffer = connection.buffer
        while leading + 1 < buffer.count, buffer[leading] == Self.cr, buffer[leading + 1] == Self.lf { leading += 2 }
        if leading > 0 {
            connection.buffer.removeFirst(leading)
            connection.scanned = 0
            return scanHead(connection)
        }
        var end: Int?
        var index = connection.scanned
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
            let parsed: RequestHead
            do {
                parsed = try RequestHead.parse(buffer[0..<(end - 4)], maxHeaderCount: configuration.maxHeaderCount,
                                               maxBodySize: configuration.maxBodySize)
            } catch {
                return .rejected(error)
            }
            connection.buffer.removeFirst(end)
            connection.scanned = 0
            return .complete(parsed)
        }
        // Keep the last byte unscanned: it may be the CR of a CRLF split across reads.
        connection.scanned = max(0, buffer.count - 1)
        guard buffer.count <= configuration.maxHeadSize else {
            return .rejected(HTTPRejection(.headTooLarge, "the request head exceeds \(configuration.maxHeadSize) bytes"))
        }
        return .incomplete
    }

    private func headArrived(_ connection: LoopConnection, _ head: RequestHead) {
        connection.isFirstRequest = false
        connection.started = false
        connection.head = head
        guard head.contentLength > 0 else { return dispatch(connection, body: []) }
        if core.headCheck != nil {
            enter(connection, .checkingHead, deadline: nil)
            setInterest(connection, nil)
            pool.submit(.head(connection.ticket, HTTPRequestHead(
                method: head.method, path: head.path, query: head.query, version: head.version, headers: head.headers,
                contentLength: head.contentLength, remoteAddress: connection.peer)))
        } else {
            requestBody(connection)
        }
    }

    /// Starts reading the body once its length fits in the budget, or queues the connection for room.
    private func requestBody(_ connection: LoopConnection) {
        guard let head = connection.head else { return close(connection) }
        pruneBudgetWaiters()
        if budgetWaiters.isEmpty, bodyBytesInFlight + head.contentLength <= configuration.maxBodyBytesInFlight {
            return startBody(connection, head: head)
        }
        enter(connection, .awaitingBudget, deadline: .after(configuration.bodyBudgetWait))
        setInterest(connection, nil)
        budgetWaiters.append((connection.descriptor, connection.epoch))
    }

    private func startBody(_ connection: LoopConnection, head: RequestHead) {
        let length = head.contentLength
        bodyBytesInFlight += length
        connection.reserved = length
        let inFlight = bodyBytesInFlight
        core.metrics.update {
            $0.bodyBytesInFlight = inFlight
            $0.peakBodyBytesInFlight = max($0.peakBodyBytesInFlight, inFlight)
        }
        // The body is read straight into its final array: no copy between socket and handler.
        connection.body = [UInt8](repeating: 0, count: length)
        let early = min(connection.buffer.count, length)
        if early > 0 {
            connection.body.withUnsafeMutableBufferPointer { target in
                connection.buffer.withUnsafeBufferPointer { source in
                    _ = target.update(fromContentsOf: source[0..<early])
                }
            }
            connection.buffer.removeFirst(early)
        }
        connection.bodyFilled = early
        enter(connection, .readingBody, deadline: .after(configuration.bodyTimeout))
        if head.expectsContinue, early == 0 {
            connection.outbound = ResponseEncoder.continueResponse
            connection.outboundOffset = 0
        }
        readBody(connection)
    }

    private func readBody(_ connection: LoopConnection) {
        guard let transport = connection.transport, let head = connection.head else { return close(connection) }
        if !connection.outbound.isEmpty {
            switch flush(connection) {
            case .done: break
            case .blocked(let interest): return setInterest(connection, interest)
            case .failed:
                core.metrics.update { $0.connectionErrors += 1 }
                return close(connection)
            }
        }
        let length = head.contentLength
        var quantum = Self.readQuantum
        while connection.bodyFilled < length {
            guard quantum > 0 else { return setInterest(connection, .readable) }
            let filled = connection.bodyFilled
            let outcome = connection.body.withUnsafeMutableBytes { raw in
                transport.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled..<min(length, filled + Self.readQuantum)]))
            }
            switch outcome {
            case .transferred(let count):
                connection.bodyFilled += count
                quantum -= count
            case .closed:
                return close(connection)
            case .failed:
                core.metrics.update { $0.connectionErrors += 1 }
                return close(connection)
            case .wouldBlock(let interest):
                return setInterest(connection, interest)
            }
        }
        let body = connection.body
        connection.body = []
        dispatch(connection, body: body)
    }

    private func dispatch(_ connection: LoopConnection, body: [UInt8]) {
        guard let head = connection.head else { return close(connection) }
        enter(connection, .handling, deadline: nil)
        setInterest(connection, nil)
        pool.submit(.request(connection.ticket, HTTPRequest(
            method: head.method, path: head.path, query: head.query, version: head.version, headers: head.headers,
            body: body, remoteAddress: connection.peer)))
    }

    // MARK: Worker outcomes

    private func deliver(_ outcomes: [WorkerPool.Outcome]) {
        for outcome in outcomes {
            switch outcome {
            case .response(let ticket, let response):
                guard let connection = connections[ticket.descriptor], connection.id == ticket.id,
                      connection.phase == .handling else { continue }
                releaseBudget(connection)
                respond(connection, response, keepAliveAllowed: true)
            case .headChecked(let ticket, let refusal):
                guard let connection = connections[ticket.descriptor], connection.id == ticket.id,
                      connection.phase == .checkingHead else { continue }
                if let refusal {
                    // The body stays unread: answer and close (lingering discards what is in flight).
                    core.metrics.update { $0.headCheckRefusals += 1 }
                    respond(connection, refusal, keepAliveAllowed: false)
                } else {
                    requestBody(connection)
                }
            }
        }
    }

    private func respond(_ connection: LoopConnection, _ response: HTTPResponse, keepAliveAllowed: Bool) {
        guard let head = connection.head else { return close(connection) }
        let keepAlive = keepAliveAllowed && head.keepAlive && !ResponseEncoder.requestsClose(response) && !draining
        connection.outbound = ResponseEncoder.encode(response, requestVersion: head.version, keepAlive: keepAlive,
                                                     isHeadRequest: head.method == .head)
        connection.outboundOffset = 0
        connection.keepAliveAfterWrite = keepAlive
        connection.answersRequest = true
        enter(connection, .writing, deadline: .after(configuration.writeTimeout))
        writeOutbound(connection)
    }

    // MARK: Writing

    private enum FlushResult {
        case done
        case blocked(PollInterest)
        case failed
    }

    private func flush(_ connection: LoopConnection) -> FlushResult {
        guard let transport = connection.transport else { return .failed }
        while connection.outboundOffset < connection.outbound.count {
            let offset = connection.outboundOffset
            let outcome = connection.outbound.withUnsafeBytes { transport.send(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            switch outcome {
            case .transferred(let count): connection.outboundOffset += count
            case .wouldBlock(let interest): return .blocked(interest)
            case .closed, .failed: return .failed
            }
        }
        connection.outbound = []
        connection.outboundOffset = 0
        return .done
    }

    private func writeOutbound(_ connection: LoopConnection) {
        switch flush(connection) {
        case .done:
            finishWrite(connection)
        case .blocked(let interest):
            setInterest(connection, interest)
        case .failed:
            if connection.answersRequest { core.metrics.update { $0.connectionErrors += 1 } }
            close(connection)
        }
    }

    private func finishWrite(_ connection: LoopConnection) {
        if connection.answersRequest { core.metrics.update { $0.requestsServed += 1 } }
        connection.answersRequest = false
        connection.head = nil
        guard connection.keepAliveAfterWrite else { return lingeringClose(connection) }
        connection.started = false
        if connection.buffer.isEmpty {
            if draining { return close(connection) }
            enter(connection, .awaitingHead, deadline: .after(configuration.idleTimeout))
            markIdle(connection)
        } else {
            // A pipelined request is already here: its head deadline starts now.
            connection.started = true
            enter(connection, .awaitingHead, deadline: .after(configuration.headTimeout))
        }
        readHead(connection)
    }

    /// Answers a rejection with its problem+json response, then closes the connection.
    private func reject(_ connection: LoopConnection, _ rejection: HTTPRejection) {
        core.metrics.recordRejection(rejection.reason)
        releaseBudget(connection)
        let headers: HTTPHeaders = rejection.reason == .bodyBudget ? ["Retry-After": "1"] : [:]
        let response = HTTPResponse.problem(rejection.problem, headers: headers)
        connection.outbound = ResponseEncoder.encode(response, requestVersion: .http1_1, keepAlive: false, isHeadRequest: false)
        connection.outboundOffset = 0
        connection.keepAliveAfterWrite = false
        connection.answersRequest = false
        connection.body = []
        enter(connection, .writing, deadline: .after(configuration.writeTimeout))
        writeOutbound(connection)
    }

    /// Ends the sending side, then discards input for a moment, so a client still sending its request
    /// reads the response instead of a connection reset caused by unread data.
    private func lingeringClose(_ connection: LoopConnection) {
        connection.transport?.closeWrite()
        connection.discarded = 0
        enter(connection, .lingering, deadline: .after(configuration.lingerTimeout))
        discard(connection)
    }

    private func discard(_ connection: LoopConnection) {
        while connection.discarded < Self.maxLingerDiscard {
            let descriptor = connection.descriptor
            let result = scratch.withUnsafeMutableBytes { buffer in
                Result { () throws(SocketErrno) in try system.read(descriptor, into: buffer) }
            }
            switch result {
            case .success(let count):
                if count == 0 { return close(connection) }
                connection.discarded += count
            case .failure(let error):
                guard error == .wouldBlock else { return close(connection) }
                return setInterest(connection, .readable)
            }
        }
        close(connection)
    }

    // MARK: Reading

    private enum ReceiveResult {
        case received(Int)
        case closed
        case failed
        case wouldBlock(PollInterest)
    }

    /// Appends whatever the transport has next to the connection's buffer.
    private func receive(_ connection: LoopConnection) -> ReceiveResult {
        guard let transport = connection.transport else { return .failed }
        let outcome = scratch.withUnsafeMutableBytes { transport.receive(into: $0) }
        switch outcome {
        case .transferred(let count):
            connection.buffer.append(contentsOf: scratch[0..<count])
            return .received(count)
        case .closed: return .closed
        case .failed: return .failed
        case .wouldBlock(let interest): return .wouldBlock(interest)
        }
    }

    // MARK: Deadlines and pressure

    private func enter(_ connection: LoopConnection, _ phase: LoopConnection.Phase, deadline: Deadline?) {
        connection.phase = phase
        nextEpoch += 1
        connection.epoch = nextEpoch
        if let deadline {
            timers.push(DeadlineHeap.Entry(deadline: deadline, descriptor: connection.descriptor, epoch: nextEpoch))
        }
    }

    private func markIdle(_ connection: LoopConnection) {
        idleOrder.append((connection.descriptor, connection.epoch, .now))
    }

    private func isLive(_ descriptor: CInt, _ epoch: UInt64) -> LoopConnection? {
        guard let connection = connections[descriptor], connection.epoch == epoch else { return nil }
        return connection
    }

    private func nextTimeout() -> CInt {
        while let first = timers.first, isLive(first.descriptor, first.epoch) == nil { timers.popFirst() }
        var next = timers.first?.deadline
        if core.registry.count > configuration.crowdedConnections, let oldest = oldestIdle() {
            let due = oldest.since.adding(configuration.crowdedIdleTimeout)
            next = next.map { min($0, due) } ?? due
        }
        if let paused = listenerPausedUntil { next = next.map { min($0, paused) } ?? paused }
        guard let next else { return -1 }
        return next.remainingMilliseconds
    }

    private func fireTimers() {
        while let first = timers.first, first.deadline.hasPassed {
            timers.popFirst()
            guard let connection = isLive(first.descriptor, first.epoch) else { continue }
            timedOut(connection)
        }
    }

    private func timedOut(_ connection: LoopConnection) {
        switch connection.phase {
        case .handshaking:
            core.metrics.update { $0.tlsHandshakeFailures += 1 }
            close(connection)
        case .awaitingHead:
            if connection.started || !connection.buffer.isEmpty {
                reject(connection, HTTPRejection(.headTimeout, "the request head did not arrive within \(configuration.headTimeout)"))
            } else {
                core.metrics.update { $0.idleConnectionsClosed += 1 }
                close(connection)
            }
        case .awaitingBudget:
            reject(connection, HTTPRejection(.bodyBudget, "request bodies in flight fill the \(configuration.maxBodyBytesInFlight)-byte budget; retry shortly"))
        case .readingBody:
            reject(connection, HTTPRejection(.bodyTimeout, "the request body did not arrive within \(configuration.bodyTimeout)"))
        case .writing:
            if connection.answersRequest { core.metrics.update { $0.connectionErrors += 1 } }
            close(connection)
        case .lingering:
            close(connection)
        case .checkingHead, .handling:
            break
        }
    }

    /// The oldest connection still idle since it was queued, dropping stale entries on the way.
    private func oldestIdle() -> (connection: LoopConnection, since: Deadline)? {
        while idleNext < idleOrder.count {
            let entry = idleOrder[idleNext]
            if let connection = isLive(entry.descriptor, entry.epoch), connection.isIdle, connection.id != 0 {
                return (connection, entry.since)
            }
            idleNext += 1
        }
        return nil
    }

    /// Above the high-water mark: closes idle connections that have waited `crowdedIdleTimeout`,
    /// oldest first, until the server is below the mark again.
    private func closeOldestIdle() {
        while core.registry.count > configuration.crowdedConnections, let oldest = oldestIdle(),
              oldest.since.adding(configuration.crowdedIdleTimeout).hasPassed {
            idleNext += 1
            core.metrics.update {
                $0.idleConnectionsClosed += 1
                $0.crowdedConnectionsClosed += 1
            }
            close(oldest.connection)
        }
    }

    private func compactQueues() {
        if idleNext > 4096, idleNext * 2 > idleOrder.count {
            idleOrder.removeFirst(idleNext)
            idleNext = 0
        }
        if idleOrder.count > 2 * connections.count + 4096 {
            idleOrder = idleOrder[idleNext...].filter { entry in isLive(entry.descriptor, entry.epoch)?.isIdle == true }
            idleNext = 0
        }
        if timers.count > 2 * connections.count + 4096 {
            timers.compact { isLive($0.descriptor, $0.epoch) != nil }
        }
    }

    // MARK: Body budget

    private func releaseBudget(_ connection: LoopConnection) {
        guard connection.reserved > 0 else { return }
        bodyBytesInFlight -= connection.reserved
        connection.reserved = 0
        budgetFreed = true
        let inFlight = bodyBytesInFlight
        core.metrics.update { $0.bodyBytesInFlight = inFlight }
    }

    private func pruneBudgetWaiters() {
        let stale = budgetWaiters.prefix { entry in isLive(entry.descriptor, entry.epoch)?.phase != .awaitingBudget }.count
        if stale > 0 { budgetWaiters.removeFirst(stale) }
    }

    /// Starts the waiting bodies that now fit, in arrival order (a large one is not overtaken).
    private func grantBudget() {
        budgetFreed = false
        while true {
            pruneBudgetWaiters()
            guard let first = budgetWaiters.first, let connection = isLive(first.descriptor, first.epoch),
                  let head = connection.head,
                  bodyBytesInFlight + head.contentLength <= configuration.maxBodyBytesInFlight else { return }
            budgetWaiters.removeFirst()
            startBody(connection, head: head)
        }
    }

    // MARK: Registration and closing

    private func setInterest(_ connection: LoopConnection, _ interest: PollInterest?) {
        let events: EpollEvents? = interest.map { $0 == .readable ? .readable : .writable }
        guard connection.registered != events else { return }
        do {
            switch (connection.registered, events) {
            case (nil, let events?):
                try system.epollAdd(epoll, descriptor: connection.descriptor, events: events)
            case (_?, let events?):
                try system.epollModify(epoll, descriptor: connection.descriptor, events: events)
            case (_?, nil):
                try system.epollRemove(epoll, descriptor: connection.descriptor)
            case (nil, nil):
                break
            }
            connection.registered = events
        } catch {
            core.metrics.update { $0.connectionErrors += 1 }
            close(connection)
        }
    }

    /// Closes the socket, frees its TLS state and body, then leaves the registry.
    private func close(_ connection: LoopConnection) {
        guard connections[connection.descriptor] === connection else { return }
        connections[connection.descriptor] = nil
        releaseBudget(connection)
        nextEpoch += 1
        connection.epoch = nextEpoch
        try? system.close(connection.descriptor)
        connection.transport = nil
        connection.body = []
        connection.buffer = []
        if connection.id == 0 {
            refusedLingering -= 1
        } else {
            core.registry.remove(connection.id, peer: connection.peerHost)
        }
    }
}
