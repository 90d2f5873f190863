import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateWire

/// The operators of the channel's nodes and the vendor, at their consoles: the first certificates,
/// top-ups, quota returns, revocations, and the vendor recording licenses customers show. Keeps the
/// books of what came back: per node, which certificate each of its delegations was carved from,
/// and the quota returns it has taken in.
final class Operators {
    private let context: RunContext
    private let channel: Channel
    private let console: OperatorConsole
    /// Per node: the certificate each of its delegations was carved from.
    private var delegatedFrom: [[String: String]]
    /// Per node: quota returns it has taken in from its children.
    private var returnsTaken: [Set<String>]

    init(context: RunContext, channel: Channel, console: OperatorConsole) {
        self.context = context
        self.channel = channel
        self.console = console
        delegatedFrom = Array(repeating: [:], count: channel.nodes.count)
        returnsTaken = Array(repeating: [], count: channel.nodes.count)
    }

    private var scenario: Scenario { context.scenario }
    private var isWorkload: Bool { context.clock.isWorkload }

    /// Plans the scenario's quota returns and revocations over the workload.
    func schedule() {
        for (rate, event) in [(scenario.quotaReturnsPerDay, SimulationEvent.quotaReturn), (scenario.revocationsPerDay, .revocation)] where rate > 0 {
            var time: Int64 = 0
            while true {
                time += Int64(context.random.exponential(mean: Double(Scenario.day) / rate))
                guard time < scenario.duration else { break }
                context.clock.schedule(event, at: time)
            }
        }
    }

    // MARK: Certificates

    /// The operator set-up: the root's certificate for each general agent, each general agent's for
    /// its regional agents, installed by the child's operator (as by file), each through its node's API.
    func delegateFirstCertificates() throws {
        for node in channel.agents { try delegateFirstCertificate(to: node) }
    }

    private func delegateFirstCertificate(to node: SimulatedNode) throws {
        guard let parentIndex = node.parent else { return }
        let parent = channel[parentIndex]
        let seats = node.role == .general ? scenario.generalSeats : scenario.regionalSeats
        let request = delegationRequest(for: node, seats: seats, parentHash: parent.books.certificate(for: seats)?.hash)
        let chain = try console.call(.delegate, at: parent, body: console.body(request, for: parent), expecting: .created,
                                     "delegating \(node.name)'s first certificate", as: CertificateChain.self)
        _ = try console.call(.acceptCertificate, at: node, body: console.body(APIBodies.ChainBody(chain: chain.chain), for: node),
                             expecting: .created, "installing its first certificate", as: APIBodies.HeldCertificateBody.self)
        recordDelegation(chain, by: parent, to: node)
        try takeCertificates([chain.chain], into: node)
    }

    /// What the parent delegates to `node`: the root sets every limit; a general agent narrows the
    /// countries to the regional agent's and raises the price floor.
    private func delegationRequest(for node: SimulatedNode, seats: UInt64, parentHash: String?) -> DelegationRequest {
        var request = DelegationRequest(subject: node.name, subjectKey: Base64URL.encode(node.identity.key.publicKey.rawRepresentation))
        request.count = seats
        request.parentHash = parentHash
        request.syncWithin = scenario.syncWithinSeconds
        request.countries = node.countries
        if node.role == .general {
            request.products = ChannelTerms.products
            request.models = ChannelTerms.models(floating: scenario.grantsFloating, metered: scenario.grantsMetered)
            if scenario.grantsFloating {
                request.floating = FloatingTerms(lease: scenario.floatingLeaseSeconds, borrow: scenario.floatingBorrowSeconds)
            }
            if scenario.grantsTrials { request.trials = ChannelTerms.freeTrials }
            request.priceFloor = [ChannelTerms.currency: ChannelTerms.generalFloor]
            request.featureFloors = ChannelTerms.featureFloors
            request.depth = 2
            request.nbf = context.epoch - 30 * 86_400
            request.exp = context.epoch + 365 * 86_400
        } else {
            request.priceFloor = [ChannelTerms.currency: ChannelTerms.regionalFloor]
        }
        return request
    }

    /// Certificates a node now holds (from set-up or a pull): into its books; a pending top-up has arrived.
    func takeCertificates(_ chains: [[String]], into node: SimulatedNode) throws {
        for chain in chains {
            guard let leaf = chain.last else { continue }
            let hash = JWS.hash(of: leaf)
            guard !node.books.holds(hash) else { continue }
            let certificate = try SignedCertificate(compact: leaf)
            node.books.add(hash: hash, seats: certificate.payload.seats)
            node.books.topUpPending = false
            context.note("\(node.name) holds certificate \(hash.prefix(8)) seats \(certificate.payload.seats)")
        }
    }

    /// A delegation the parent made: its books, invariant 2 (inside the parent's certificate, no
    /// serial handed out twice) and the list of what it acknowledged.
    private func recordDelegation(_ chain: CertificateChain, by parent: SimulatedNode, to child: SimulatedNode) {
        guard let leaf = chain.chain.last, let certificate = try? SignedCertificate(compact: leaf) else {
            context.checker.fail(.withinCertificates, "\(parent.name) delegated an unreadable certificate to \(child.name)")
            return
        }
        let seats = certificate.payload.seats
        if let parentHash = certificate.payload.parent {
            let inside = parent.books.entries.first { $0.hash == parentHash }.map { $0.seats.contains(seats) } ?? false
            context.checker.check(.withinCertificates, inside, "\(parent.name) delegated \(seats) to \(child.name) outside the certificate it holds")
            parent.books.use(seats.count, of: parentHash)
            delegatedFrom[parent.index][certificate.hash] = parentHash
        }
        let taken = parent.ledger.insert(seats)
        context.checker.check(.withinCertificates, taken == nil,
                              "\(parent.name) delegated \(seats) to \(child.name) though \(taken.map { "\($0)" } ?? "") was already handed out")
        parent.acknowledged.append(.delegation(hash: certificate.hash))
        parent.stats.delegated += 1
        context.note("\(parent.name) delegates \(seats) to \(child.name)")
    }

    // MARK: Top-ups

    /// The node's operator asks its parent's operator for more quota, once until it arrives.
    private func requestTopUp(_ node: SimulatedNode) {
        guard node.claimTopUp(open: isWorkload) else { return }
        context.clock.schedule(.topUp(child: node.index), after: context.random.integer(in: scenario.topUpDelay))
    }

    func topUp(_ child: SimulatedNode) {
        guard isWorkload, let parentIndex = child.parent else {
            child.books.topUpPending = false
            return
        }
        let parent = channel[parentIndex]
        guard parent.isUp else {
            context.clock.schedule(.topUp(child: child.index), after: Scenario.hour)
            return
        }
        let seats = child.role == .general ? scenario.generalTopUpSeats : scenario.regionalTopUpSeats
        var parentHash: String?
        if parent.role != .root {
            guard let entry = parent.books.certificate(for: seats) else {
                requestTopUp(parent)
                context.clock.schedule(.topUp(child: child.index), after: 2 * Scenario.hour)
                return
            }
            parentHash = entry.hash
        }
        do {
            let request = console.body(delegationRequest(for: child, seats: seats, parentHash: parentHash), for: parent)
            let chain = try console.call(.delegate, at: parent, body: request, expecting: .created, "delegating a top-up", as: CertificateChain.self)
            recordDelegation(chain, by: parent, to: child)
            if parent.role == .general, parent.books.free < 2 * scenario.regionalTopUpSeats { requestTopUp(parent) }
        } catch {
            parent.stats.refuse(error.problem)
            context.note("\(parent.name) cannot top up \(child.name): \(error)")
            if let parentHash, error.means(.quotaExhausted) || error.means(.serialsTaken) {
                parent.books.use(seats, of: parentHash)
                requestTopUp(parent)
            }
            context.clock.schedule(.topUp(child: child.index), after: 2 * Scenario.hour)
        }
    }

    // MARK: Quota returns

    /// A random agent hands the top serials of one of its certificates back to its parent.
    func returnQuota() {
        guard isWorkload else { return }
        let candidates = channel.nodes.filter { $0.parent != nil && $0.isUp && $0.books.free > scenario.returnSize + scenario.topUpBelow }
        guard !candidates.isEmpty else { return }
        let node = candidates[context.random.index(candidates.count)]
        guard let live = node.node,
              let entry = node.books.entries.filter({ !$0.retired && $0.free > scenario.returnSize }).max(by: { $0.free < $1.free }) else { return }
        do {
            _ = try returnTop(scenario.returnSize, of: entry.hash, at: node, live: live)
        } catch let error as ServiceRefusal {
            node.stats.refuse(error.problem)
            context.note("\(node.name) cannot return quota: \(error)")
        } catch {
            node.stats.refuse("no_free_serials")
            context.note("\(node.name) cannot return quota: \(error)")
        }
    }

    /// Returns the highest `count` free serials of certificate `hash`, found in the node's store (the
    /// operator's view of its allocations), through the node's API.
    func returnTop(_ count: UInt64, of hash: String, at node: SimulatedNode, live: LicensingNode) throws -> SignedQuotaReturn {
        guard let entry = node.books.entries.first(where: { $0.hash == hash }) else { throw NodeError(.notFound, "no such certificate") }
        var end = entry.seats.end
        while end >= entry.seats.start + count {
            let range = SerialRange(end - count, end)
            guard let taken = try? live.store.overlappingAllocation(range) else { break }
            end = taken.seats.start
        }
        guard end >= entry.seats.start + count else { throw NodeError(.quotaExhausted, "no \(count) free serials at the top of \(entry.seats)") }
        let range = SerialRange(end - count, end)
        let answer = try console.call(.returnQuota, at: node, body: console.body(APIBodies.ReturnBody(seats: range, from: hash), for: node),
                                      expecting: .created, "returning quota", as: APIBodies.SignedObjectBody.self)
        let signed = try SignedQuotaReturn(compact: answer.object)
        node.books.use(count, of: hash)
        node.acknowledged.append(.quotaReturn(hash: signed.hash))
        let taken = node.ledger.insert(range)
        context.checker.check(.withinCertificates, taken == nil,
                              "\(node.name) returned \(range), which it had handed out as \(taken.map { "\($0)" } ?? "")")
        node.stats.returned += 1
        context.note("\(node.name) returns \(range)")
        return signed
    }

    /// The parent took a child's return in: those serials may be delegated again.
    func takeReturn(_ quotaReturn: SignedQuotaReturn, at parent: SimulatedNode) {
        guard returnsTaken[parent.index].insert(quotaReturn.hash).inserted else { return }
        let seats = quotaReturn.payload.seats
        if let parentHash = delegatedFrom[parent.index][quotaReturn.payload.cert] {
            parent.books.release(seats.count, of: parentHash)
        }
        parent.ledger.remove(seats)
        context.note("\(parent.name) takes back \(seats)")
    }

    // MARK: Revocations

    /// The node's operator revokes one license it issued (a chargeback, say), effective now.
    func revokeLicense(_ hash: String, reason: Revocation.LicenseReason, at node: SimulatedNode) throws -> SignedRevocation {
        let request = APIBodies.RevocationBody(license: hash, effective: nil, reason: reason.rawValue)
        let answer = try console.call(.revoke, at: node, body: console.body(request, for: node), expecting: .created, "revoking a license",
                                      as: APIBodies.SignedObjectBody.self)
        let signed = try SignedRevocation(compact: answer.object)
        node.acknowledged.append(.revocation(hash: signed.hash))
        node.stats.revoked += 1
        context.note("\(node.name) revokes license \(hash.prefix(8)) (\(reason.rawValue))")
        return signed
    }

    /// A general agent revokes one of its regional agents' certificates, effective after a notice
    /// longer than `sync_within`, so the agent hears of it before it bites.
    func revokeCertificate() {
        guard isWorkload else { return }
        let generals = channel.nodes.filter { $0.role == .general && $0.isUp }
        guard !generals.isEmpty else { return }
        let general = generals[context.random.index(generals.count)]
        let children = general.children.map { channel[$0] }
        let targets = children.flatMap { child in child.books.entries.filter { !$0.retired }.map { (child, $0.hash) } }
        guard !targets.isEmpty, general.isUp else { return }
        let (child, hash) = targets[context.random.index(targets.count)]
        do {
            let local = general.clock(at: context.now)
            let request = APIBodies.RevocationBody(certificate: hash, effective: local + scenario.revokeNotice, reason: "channel reorganised")
            let answer = try console.call(.revoke, at: general, body: console.body(request, for: general), expecting: .created, "revoking",
                                          as: APIBodies.SignedObjectBody.self)
            general.acknowledged.append(.revocation(hash: JWS.hash(of: answer.object)))
            general.stats.revoked += 1
            child.books.retire(hash)
            context.note("\(general.name) revokes \(child.name)'s certificate \(hash.prefix(8)) from \(local + scenario.revokeNotice)")
            if child.books.free < scenario.topUpBelow { requestTopUp(child) }
        } catch {
            general.stats.refuse(error.problem)
        }
    }

    // MARK: The vendor

    /// A customer shows a license to the vendor, who records it at the root for the audit.
    func observe(_ file: LicenseFile, attempt: Int) {
        guard context.clock.phase != .done else { return }
        guard channel.root.isUp else {
            if attempt < 20 { context.clock.schedule(.observe(file, attempt: attempt + 1), after: Scenario.hour) }
            return
        }
        do {
            _ = try console.call(.observeLicense, at: channel.root, body: console.body(Observation(license: file), for: channel.root),
                                 expecting: .created, or: .ok, "recording an observed license", as: APIBodies.ObservationBody.self)
            context.note("the vendor records a license shown by a customer")
        } catch {
            // Refused for a storage failure: the vendor tries again later; anything else is judged already.
            if error.isStorage && attempt < 20 { context.clock.schedule(.observe(file, attempt: attempt + 1), after: Scenario.hour) }
        }
    }
}
