import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateWire

extension Simulation {
    // MARK: Certificates

    /// Certificates a node now holds (from set-up or a pull): into its books; a pending top-up has arrived.
    func takeCertificates(_ chains: [[String]], into node: SimulatedNode) throws {
        for chain in chains {
            guard let leaf = chain.last else { continue }
            let hash = JWS.hash(of: leaf)
            guard !node.books.holds(hash) else { continue }
            let certificate = try SignedCertificate(compact: leaf)
            node.books.add(hash: hash, seats: certificate.payload.seats)
            node.books.topUpPending = false
            note("\(node.name) holds certificate \(hash.prefix(8)) seats \(certificate.payload.seats)")
        }
    }

    /// A delegation the parent made: its books, invariant 2 (inside the parent's certificate, no
    /// serial handed out twice) and the list of what it acknowledged.
    func recordDelegation(_ chain: CertificateChain, by parent: SimulatedNode, to child: SimulatedNode) {
        guard let leaf = chain.chain.last, let certificate = try? SignedCertificate(compact: leaf) else {
            checker.fail(.withinCertificates, "\(parent.name) delegated an unreadable certificate to \(child.name)")
            return
        }
        let seats = certificate.payload.seats
        if let parentHash = certificate.payload.parent {
            let inside = parent.books.entries.first { $0.hash == parentHash }.map { $0.seats.contains(seats) } ?? false
            checker.check(.withinCertificates, inside, "\(parent.name) delegated \(seats) to \(child.name) outside the certificate it holds")
            parent.books.use(seats.count, of: parentHash)
            delegatedFrom[parent.index][certificate.hash] = parentHash
        }
        let taken = parent.ledger.insert(seats)
        checker.check(.withinCertificates, taken == nil,
                      "\(parent.name) delegated \(seats) to \(child.name) though \(taken.map { "\($0)" } ?? "") was already handed out")
        parent.acknowledged.append(.delegation(hash: certificate.hash))
        parent.stats.delegated += 1
        note("\(parent.name) delegates \(seats) to \(child.name)")
    }

    // MARK: Top-ups

    /// The node's operator asks its parent's operator for more quota, once until it arrives.
    func requestTopUp(_ node: SimulatedNode) {
        guard node.claimTopUp(open: phase == .workload) else { return }
        schedule(.topUp(child: node.index), after: random.integer(in: scenario.topUpDelay))
    }

    func topUp(_ child: SimulatedNode) {
        guard phase == .workload, let parentIndex = child.parent else {
            child.books.topUpPending = false
            return
        }
        let parent = nodes[parentIndex]
        guard parent.isUp else {
            schedule(.topUp(child: child.index), after: Scenario.hour)
            return
        }
        let seats = child.role == .general ? scenario.generalTopUpSeats : scenario.regionalTopUpSeats
        var parentHash: String?
        if parent.role != .root {
            guard let entry = parent.books.certificate(for: seats) else {
                requestTopUp(parent)
                schedule(.topUp(child: child.index), after: 2 * Scenario.hour)
                return
            }
            parentHash = entry.hash
        }
        do {
            let request = body(delegationRequest(for: child, seats: seats, parentHash: parentHash), for: parent)
            let chain = try call(.delegate, at: parent, body: request, expecting: .created, "delegating a top-up", as: CertificateChain.self)
            recordDelegation(chain, by: parent, to: child)
            if parent.role == .general, parent.books.free < 2 * scenario.regionalTopUpSeats { requestTopUp(parent) }
        } catch {
            parent.stats.refuse(error.problem)
            note("\(parent.name) cannot top up \(child.name): \(error)")
            if let parentHash, error.means(.quotaExhausted) || error.means(.serialsTaken) {
                parent.books.use(seats, of: parentHash)
                requestTopUp(parent)
            }
            schedule(.topUp(child: child.index), after: 2 * Scenario.hour)
        }
    }

    // MARK: Quota returns

    /// A random agent hands the top serials of one of its certificates back to its parent.
    func returnQuota() {
        guard phase == .workload else { return }
        let candidates = nodes.filter { $0.parent != nil && $0.isUp && $0.books.free > scenario.returnSize + scenario.topUpBelow }
        guard !candidates.isEmpty else { return }
        let node = candidates[random.index(candidates.count)]
        guard let live = node.node,
              let entry = node.books.entries.filter({ !$0.retired && $0.free > scenario.returnSize }).max(by: { $0.free < $1.free }) else { return }
        do {
            _ = try returnTop(scenario.returnSize, of: entry.hash, at: node, live: live)
        } catch let error as ServiceRefusal {
            node.stats.refuse(error.problem)
            note("\(node.name) cannot return quota: \(error)")
        } catch {
            node.stats.refuse("no_free_serials")
            note("\(node.name) cannot return quota: \(error)")
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
        let answer = try call(.returnQuota, at: node, body: body(APIBodies.ReturnBody(seats: range, from: hash), for: node), expecting: .created,
                              "returning quota", as: APIBodies.SignedObjectBody.self)
        let signed = try SignedQuotaReturn(compact: answer.object)
        node.books.use(count, of: hash)
        node.acknowledged.append(.quotaReturn(hash: signed.hash))
        let taken = node.ledger.insert(range)
        checker.check(.withinCertificates, taken == nil, "\(node.name) returned \(range), which it had handed out as \(taken.map { "\($0)" } ?? "")")
        node.stats.returned += 1
        note("\(node.name) returns \(range)")
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
        note("\(parent.name) takes back \(seats)")
    }

    // MARK: Revocations

    /// A general agent revokes one of its regional agents' certificates, effective after a notice
    /// longer than `sync_within`, so the agent hears of it before it bites.
    func revokeCertificate() {
        guard phase == .workload else { return }
        let generals = nodes.filter { $0.role == .general && $0.isUp }
        guard !generals.isEmpty else { return }
        let general = generals[random.index(generals.count)]
        let children = general.children.map { nodes[$0] }
        let targets = children.flatMap { child in child.books.entries.filter { !$0.retired }.map { (child, $0.hash) } }
        guard !targets.isEmpty, general.isUp else { return }
        let (child, hash) = targets[random.index(targets.count)]
        do {
            let local = general.clock(at: now)
            let request = APIBodies.RevocationBody(certificate: hash, effective: local + scenario.revokeNotice, reason: "channel reorganised")
            let answer = try call(.revoke, at: general, body: body(request, for: general), expecting: .created, "revoking",
                                  as: APIBodies.SignedObjectBody.self)
            general.acknowledged.append(.revocation(hash: JWS.hash(of: answer.object)))
            general.stats.revoked += 1
            child.books.retire(hash)
            note("\(general.name) revokes \(child.name)'s certificate \(hash.prefix(8)) from \(local + scenario.revokeNotice)")
            if child.books.free < scenario.topUpBelow { requestTopUp(child) }
        } catch {
            general.stats.refuse(error.problem)
        }
    }

    // MARK: The vendor

    /// A customer shows a license to the vendor, who records it at the root for the audit.
    func observe(_ file: LicenseFile, attempt: Int) {
        guard phase != .done else { return }
        guard nodes[0].isUp else {
            if attempt < 20 { schedule(.observe(file, attempt: attempt + 1), after: Scenario.hour) }
            return
        }
        do {
            _ = try call(.observeLicense, at: nodes[0], body: body(Observation(license: file), for: nodes[0]), expecting: .created, or: .ok,
                         "recording an observed license", as: APIBodies.ObservationBody.self)
            note("the vendor records a license shown by a customer")
        } catch {
            // Refused for a storage failure: the vendor tries again later; anything else is judged already.
            if error.isStorage && attempt < 20 { schedule(.observe(file, attempt: attempt + 1), after: Scenario.hour) }
        }
    }
}
