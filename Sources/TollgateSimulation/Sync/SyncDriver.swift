import TollgateAPI
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// Drives every child's sync rounds over the simulated network: starts each round on its timer
/// (the pull signed ahead on the workshop's thread), hands each request that reaches a parent to
/// the parent's API and each answer to the child's ``SyncRound``, and times out answers that do
/// not come. Rounds of an earlier incarnation (before a crash) and a cheating agent's forked log
/// are its business; the protocol itself is the round's.
final class SyncDriver {
    private let context: RunContext
    private let channel: Channel
    private let operators: Operators
    private let workshop: MachineWorkshop

    init(context: RunContext, channel: Channel, operators: Operators, workshop: MachineWorkshop) {
        self.context = context
        self.channel = channel
        self.operators = operators
        self.workshop = workshop
    }

    private var scenario: Scenario { context.scenario }
    private var now: Int64 { context.now }

    /// A message delivered to `receiver`: a child's call its parent serves, or a parent's answer.
    func receive(_ message: WireMessage, from sender: Int, at receiver: SimulatedNode) {
        switch message.payload {
        case .request(let request): serve(request, exchange: message.exchange, from: sender, at: receiver)
        case .response(let response): answered(response, exchange: message.exchange, at: receiver)
        }
    }

    // MARK: Parent side

    /// A child's sync call reaches its parent: the parent's API answers it, exactly as its HTTP
    /// server would hand it the request.
    private func serve(_ request: HTTPRequest, exchange: UInt64, from child: Int, at parent: SimulatedNode) {
        guard let service = parent.service else { return }
        let handled = service.handle(request, at: parent.clock(at: now), time: now)
        let status = handled.response.status.code
        if status >= 400 {
            let refusal = ServiceRefusal(handled.response)
            context.note("\(parent.name) refuses \(request.method) \(request.path) #\(exchange) from \(channel[child].name): \(refusal)")
            context.judge(refusal, handled, "serving \(request.method) \(request.path) from \(channel[child].name)", at: parent)
        }
        if Endpoint.syncPush.path.match(request.path) != nil, status == 200 || status == 409 {
            // The push carried the child's quota returns (entries of its log), which the parent has now taken in.
            if let live = parent.node, let returns = try? live.store.quotaReturns() {
                for (quotaReturn, direction) in returns where direction == "received" { operators.takeReturn(quotaReturn, at: parent) }
            }
        }
        channel.send(WireMessage(exchange: exchange, .response(handled.response)), from: parent.index, to: child)
    }

    // MARK: Child side

    func startSync(_ node: SimulatedNode, incarnation: Int) {
        guard node.incarnation == incarnation, let service = node.service, node.round == nil, let parent = node.parent else { return }
        let exchange = node.nextExchange
        node.nextExchange += 1
        let date = node.clock(at: now)
        let presigned = node.presignedPull
        node.presignedPull = nil
        // Signed ahead for this moment, unless the node's clock has jumped since.
        let signature = presigned.flatMap { $0.date == date ? $0.signature() : nil }
        var round = SyncRound(executor: node.impostor ?? service.executor, pushCeiling: node.pushPace.ceiling)
        do {
            let request = try round.start(at: date, presigned: signature)
            node.round = RoundInFlight(round: round, exchange: exchange, startedAt: now, byImpostor: node.impostor != nil)
            channel.send(WireMessage(exchange: exchange, .request(request)), from: node.index, to: parent)
            context.clock.schedule(.syncTimeout(node: node.index, incarnation: incarnation, exchange: exchange, phase: .pull),
                                   after: scenario.syncTimeout)
        } catch {
            context.unexpected(error, "signing a pull", at: node)
            nextRound(node, succeeded: false)
        }
    }

    /// Plans the node's next sync round `delay` from now, its pull request signed ahead on the
    /// workshop's thread for the node's clock reading then.
    func scheduleSync(_ node: SimulatedNode, after delay: Int64) {
        let at = now + max(0, delay)
        node.presignedPull = workshop.presignPull(date: node.clock(at: at), nonce: context.nonce(), key: node.identity.key)
        context.clock.schedule(.syncStart(node: node.index, incarnation: node.incarnation), at: at)
    }

    func syncTimedOut(_ node: SimulatedNode, incarnation: Int, exchange: UInt64, phase: SyncRound.Phase) {
        guard node.incarnation == incarnation, let flight = node.round, flight.exchange == exchange, flight.phase == phase else { return }
        failRound(node, SyncError(.unreachable, "no answer to the \(phase.rawValue) within \(scenario.syncTimeout) ms"))
    }

    private func failRound(_ node: SimulatedNode, _ error: SyncError, answeredPush: Bool = false) {
        guard let flight = node.round else { return }
        context.note("sync \(node.name) fails: \(error.reason)")
        node.pushPace.roundEnded(in: flight.phase, failure: error)
        if !flight.byImpostor, node.isUp {
            do {
                try flight.round.recordFailure(error, at: node.clock(at: now))
            } catch {
                context.unexpected(error, "recording a sync failure", at: node)
            }
        }
        endRound(node, succeeded: false, answeredPush: answeredPush)
    }

    private func endRound(_ node: SimulatedNode, succeeded: Bool, answeredPush: Bool = false) {
        guard let flight = node.round else { return }
        node.round = nil
        if flight.byImpostor {
            // Once the parent has answered a push of the forked log, it has seen the fork.
            if flight.phase == .push && answeredPush { node.impostor = nil }
        } else if succeeded {
            node.pushPace.roundEnded(in: flight.phase, failure: nil)
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
        let draw = context.random.unit()
        let seconds = succeeded ? node.schedule.afterSuccess(draw: draw) : node.schedule.afterFailure(draw: draw)
        scheduleSync(node, after: seconds * 1_000)
    }

    /// A parent's answer reaches the child: the round takes it and says what to send next, or how
    /// it ended; an answer whose round is over (a duplicate, a late answer, an earlier
    /// incarnation's) is ignored.
    private func answered(_ response: HTTPResponse, exchange: UInt64, at node: SimulatedNode) {
        guard var flight = node.round, flight.exchange == exchange, let service = node.service else {
            context.note("\(node.name) ignores a stale answer #\(exchange)")
            return
        }
        let phase = flight.phase
        let local = node.clock(at: now)
        // The honest node's own side of the round meets its storage faults too; the impostor's store has none.
        let (step, faults) = flight.byImpostor
            ? (Result { () throws(SyncError) in try flight.round.receive(response, at: local) }, 0)
            : service.withFaults(at: now) { () throws(SyncError) in try flight.round.receive(response, at: local) }
        switch step {
        case .success(.send(let next)):
            flight.exchange = node.nextExchange
            node.nextExchange += 1
            node.round = flight
            channel.send(WireMessage(exchange: flight.exchange, .request(next)), from: node.index, to: node.parent!)
            context.clock.schedule(.syncTimeout(node: node.index, incarnation: node.incarnation, exchange: flight.exchange, phase: flight.phase),
                                   after: scenario.syncTimeout)
        case .success(.finished(let outcome)):
            if !flight.byImpostor {
                do {
                    try operators.takeCertificates(outcome.pull.certificates, into: node)
                } catch {
                    context.unexpected(error, "reading the certificates of a pull", at: node)
                }
                node.confirmedReturns = outcome.pull.returns.count
                node.ackedOwn = outcome.acked[node.keyID] ?? node.ackedOwn
            }
            context.note("sync \(node.name) ok in \(now - flight.startedAt) ms, parent holds \(outcome.acked[node.keyID] ?? 0), "
                         + "\(outcome.pull.returns.count) return(s) confirmed")
            endRound(node, succeeded: true, answeredPush: true)
        case .failure(let error):
            // A refusal by the parent is a normal outcome; an honest node failing to take a good
            // answer is not, unless its store was made to fail. A cheater's forked copy may well be refused.
            // A 409 problem (a duplicated push's copy answered `replayed` first) reaches the round
            // as a malformed push answer: a refusal all the same.
            let problem = response.problemDetails != nil
            let ownFailure = error.code == .node || (error.code == .malformedAnswer && !problem)
            if !flight.byImpostor && ownFailure && faults == 0 { context.unexpected(error, "taking the \(phase.rawValue) answer", at: node) }
            // The parent answered the push (and so, for a forked log, has seen the fork) unless it refused the call itself.
            failRound(node, error, answeredPush: phase == .push && (error.code == .logRefused || error.code == .node))
        }
    }
}
