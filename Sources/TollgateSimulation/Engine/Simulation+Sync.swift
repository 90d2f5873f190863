import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateWire

extension Simulation {
    // MARK: The wire

    func send(_ message: WireMessage, from: Int, to: Int) {
        let bytes = message.encoded()
        let arrivals = network.transmit(from: from, to: to, at: now, random: &random)
        if arrivals.isEmpty {
            note("drop \(nodes[from].name)->\(nodes[to].name) \(describe(message))\(network.isCut(from: from, to: to) ? " (cut)" : " (lost)")")
        }
        for arrival in arrivals { schedule(.deliver(from: from, to: to, bytes: bytes), at: arrival) }
    }

    func describe(_ message: WireMessage) -> String {
        switch message.kind {
        case .request(let method): "\(method) \(message.target) #\(message.exchange)"
        case .response(let status): "\(status) \(message.target) #\(message.exchange)"
        }
    }

    func deliver(from: Int, to: Int, bytes: [UInt8]) {
        let receiver = nodes[to]
        guard !network.isCut(from: from, to: to) else {
            network.statistics.partitioned += 1
            note("drop \(nodes[from].name)->\(receiver.name) in flight (cut)")
            return
        }
        guard receiver.isUp else {
            network.statistics.receiverDown += 1
            note("drop \(nodes[from].name)->\(receiver.name) (receiver down)")
            return
        }
        network.statistics.delivered += 1
        network.statistics.bytesDelivered += bytes.count
        trace.absorb(bytes)
        guard let message = WireMessage(bytes: bytes) else {
            unexpected(NodeError(.invalidRequest, "unreadable bytes"), "a message from \(nodes[from].name)", at: receiver)
            return
        }
        note("deliver \(nodes[from].name)->\(receiver.name) \(describe(message)) \(bytes.count) B")
        switch message.kind {
        case .request: serve(message, from: from, at: receiver)
        case .response: answered(message, at: receiver)
        }
    }

    private func json<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }

    // MARK: Parent side

    /// The parent's API for its children: pull, push and quota returns, each a node-signed request.
    private func serve(_ request: WireMessage, from child: Int, at parent: SimulatedNode) {
        guard let live = parent.node else { return }
        let local = parent.clock(at: now)
        var status = 200
        var body: [UInt8] = []
        do {
            guard let signature = request.signature, let method = request.method else {
                throw NodeError(.unauthorized, "the request is not node-signed")
            }
            let descendant = try live.authenticateChild(signature, method: method, target: request.target, body: request.body, at: local)
            switch (method, request.target) {
            case ("GET", WireMessage.pull):
                body = try json(try live.answerPull(for: descendant, at: local))
            case ("POST", WireMessage.push):
                let push = try PushRequest(json: request.body)
                let response = try live.receivePush(push, from: descendant, at: local)
                if response.refused[descendant.keyID] != nil { status = 409 }
                // The push carried the child's quota returns, which the parent has now taken in.
                for (quotaReturn, direction) in try live.store.quotaReturns() where direction == "received" {
                    takeReturn(quotaReturn.compact, at: parent)
                }
                body = try json(response)
            case ("POST", WireMessage.returns):
                let compact = String(decoding: request.body, as: UTF8.self)
                try live.receiveReturn(compact, at: local)
                takeReturn(compact, at: parent)
            default:
                throw NodeError(.notFound, "no route \(method) \(request.target)")
            }
        } catch let error as NodeError {
            status = Self.status(for: error.code)
            body = Array(error.description.utf8)
            if error.code == .storage { unexpected(error, "serving \(describe(request)) from \(nodes[child].name)", at: parent) }
            note("\(parent.name) refuses \(describe(request)) from \(nodes[child].name): \(error)")
        } catch {
            status = 400
            body = Array("\(error)".utf8)
            unexpected(error, "reading \(describe(request)) from \(nodes[child].name)", at: parent)
        }
        send(.response(status, to: request, body: body), from: parent.index, to: child)
    }

    static func status(for code: NodeError.Code) -> Int {
        switch code {
        case .unauthorized: 401
        case .replayed, .logConflict, .serialsTaken: 409
        case .notFound: 404
        case .storage: 500
        default: 400
        }
    }

    // MARK: Child side

    func startSync(_ node: SimulatedNode, incarnation: Int) {
        guard node.incarnation == incarnation, let live = node.node, node.round == nil, let parent = node.parent else { return }
        let syncing = node.impostor ?? live
        let exchange = node.nextExchange
        node.nextExchange += 1
        do {
            let date = node.clock(at: now)
            let presigned = node.presignedPull
            node.presignedPull = nil
            // Signed ahead for this moment, unless the node's clock has jumped since.
            let signature = try presigned.flatMap { $0.date == date ? $0.signature() : nil }
                ?? syncing.signRequest(method: "GET", target: WireMessage.pull, body: [], at: date)
            node.round = SyncRound(exchange: exchange, phase: .pull, push: nil, startedAt: now, byImpostor: node.impostor != nil)
            send(.request("GET", WireMessage.pull, exchange: exchange, signature: signature, body: []), from: node.index, to: parent)
            schedule(.syncTimeout(node: node.index, incarnation: incarnation, exchange: exchange, phase: .pull), after: scenario.syncTimeout)
        } catch {
            unexpected(error, "signing a pull", at: node)
            nextRound(node, succeeded: false)
        }
    }

    /// Plans the node's next sync round `delay` from now, its pull request signed ahead on the
    /// workshop's thread for the node's clock reading then.
    func scheduleSync(_ node: SimulatedNode, after delay: Int64) {
        let at = now + max(0, delay)
        node.presignedPull = workshop.presignPull(date: node.clock(at: at), nonce: nonce(), key: node.identity.key)
        schedule(.syncStart(node: node.index, incarnation: node.incarnation), at: at)
    }

    func syncTimedOut(_ node: SimulatedNode, incarnation: Int, exchange: UInt64, phase: SyncRound.Phase) {
        guard node.incarnation == incarnation, let round = node.round, round.exchange == exchange, round.phase == phase else { return }
        failRound(node, "no answer to the \(phase.rawValue) within \(scenario.syncTimeout) ms")
    }

    private func failRound(_ node: SimulatedNode, _ reason: String, answeredPush: Bool = false) {
        guard let round = node.round else { return }
        note("sync \(node.name) fails: \(reason)")
        if !round.byImpostor, let live = node.node {
            do {
                try live.recordSyncFailure(reason, at: node.clock(at: now))
            } catch {
                unexpected(error, "recording a sync failure", at: node)
            }
        }
        endRound(node, succeeded: false, answeredPush: answeredPush)
    }

    private func endRound(_ node: SimulatedNode, succeeded: Bool, answeredPush: Bool = false) {
        guard let round = node.round else { return }
        node.round = nil
        if round.byImpostor {
            // Once the parent has answered a push of the forked log, it has seen the fork.
            if round.phase == .push && answeredPush { node.impostor = nil }
        } else if succeeded {
            node.stats.syncSucceeded += 1
            let gap = (now - (node.lastSyncSuccess ?? 0)) / 1_000
            node.stats.longestSyncGap = max(node.stats.longestSyncGap, gap)
            node.lastSyncSuccess = now
        } else {
            node.stats.syncFailed += 1
        }
        nextRound(node, succeeded: succeeded)
    }

    private func nextRound(_ node: SimulatedNode, succeeded: Bool) {
        let draw = random.unit()
        let seconds = succeeded ? node.schedule.afterSuccess(draw: draw) : node.schedule.afterFailure(draw: draw)
        scheduleSync(node, after: seconds * 1_000)
    }

    /// A parent's answer reaches the child: the next step of the round, or nothing when the round
    /// it belongs to is over (a duplicate, a late answer, an earlier incarnation's).
    private func answered(_ response: WireMessage, at node: SimulatedNode) {
        guard let round = node.round, round.exchange == response.exchange, let status = response.status else {
            note("\(node.name) ignores a stale answer #\(response.exchange)")
            return
        }
        guard let live = node.node else { return }
        let syncing = round.byImpostor ? (node.impostor ?? live) : live
        let local = node.clock(at: now)
        switch (round.phase, response.target) {
        case (.pull, WireMessage.pull):
            guard status == 200 else { return failRound(node, "pull answered \(status): \(String(decoding: response.body, as: UTF8.self))") }
            do {
                let pull = try decoder.decode(PullResponse.self, from: Data(response.body))
                try syncing.receivePull(pull, at: local)
                if !round.byImpostor {
                    try takeCertificates(pull.certificates, into: node)
                    node.acknowledgedReturns.formUnion(pull.returns)
                    try sendReturns(node, live: live, at: local)
                }
                let push = try syncing.makePush(at: local)
                let body = push.encoded()
                let signature = try syncing.signRequest(method: "POST", target: WireMessage.push, body: body, at: local)
                node.round?.phase = .push
                node.round?.push = push
                send(.request("POST", WireMessage.push, exchange: round.exchange, signature: signature, body: body), from: node.index, to: node.parent!)
                schedule(.syncTimeout(node: node.index, incarnation: node.incarnation, exchange: round.exchange, phase: .push), after: scenario.syncTimeout)
            } catch {
                // A cheater's forked copy may well be refused; an honest node's never should.
                if !round.byImpostor { unexpected(error, "taking a pull answer", at: node) }
                failRound(node, "pull answer not taken: \(error)")
            }
        case (.push, WireMessage.push):
            guard status == 200 || status == 409, let push = round.push,
                  let answer = try? decoder.decode(PushResponse.self, from: Data(response.body)) else {
                return failRound(node, "push answered \(status): \(String(decoding: response.body, as: UTF8.self))")
            }
            do {
                try syncing.recordPushResponse(answer, pushed: push, at: local)
            } catch {
                if !round.byImpostor { unexpected(error, "recording a push answer", at: node) }
            }
            if let refusal = answer.refused[node.keyID] {
                return failRound(node, "push refused: \(refusal)", answeredPush: true)
            }
            if !round.byImpostor { node.ackedOwn = answer.acked[node.keyID] ?? node.ackedOwn }
            note("sync \(node.name) ok in \(now - round.startedAt) ms, parent holds \(answer.acked[node.keyID] ?? 0)")
            endRound(node, succeeded: true, answeredPush: true)
        default:
            note("\(node.name) ignores an answer to \(response.target) during its \(round.phase.rawValue)")
        }
    }

    /// Quota returns the parent has not confirmed go up with every round until it does.
    private func sendReturns(_ node: SimulatedNode, live: LicensingNode, at local: Int64) throws {
        let pending = try live.store.quotaReturns().filter { $0.direction == "sent" && !node.acknowledgedReturns.contains($0.quotaReturn.hash) }
        for (quotaReturn, _) in pending {
            let body = Array(quotaReturn.compact.utf8)
            let signature = try live.signRequest(method: "POST", target: WireMessage.returns, body: body, at: local)
            let exchange = node.nextExchange
            node.nextExchange += 1
            send(.request("POST", WireMessage.returns, exchange: exchange, signature: signature, body: body), from: node.index, to: node.parent!)
        }
    }
}
