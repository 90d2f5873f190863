import TollgateCertificates
import TollgateNode
import TollgateWire

extension CustomerDesk {
    // MARK: Floating seats

    /// After the sale of a floating license of N serials: a team of N + 2 or N + 3 machines, each
    /// asking for a seat within six hours; one of them will crash holding its lease, another borrows.
    func formTeam(_ id: Int, license: SignedLicense) {
        let seats = license.payload.seats.count
        let size = Int(seats) + Int(random.integer(in: 2...3))
        var machines: [CustomerMachine] = []
        var heartbeats: [Int] = []
        for _ in 0..<size {
            machines.append(CustomerMachine(prepared: workshop.prepare(country: customers[id].country, seed: random.bytes(32), first: nil)))
            heartbeats.append(Int(random.integer(in: 1...3)))
        }
        let crashing = random.index(size)
        var borrowing = random.index(size - 1)
        if borrowing >= crashing { borrowing += 1 }
        customers[id].team = FloatingTeam(machines: machines, heartbeats: heartbeats, crashing: crashing, borrowing: borrowing,
                                          book: LeaseBook(license: license.hash, seats: seats))
        for machine in 0..<size {
            schedule(id, .lease(machine: machine, attempt: 0), after: random.integer(in: Scenario.minute...(6 * Scenario.hour)))
        }
    }

    /// A machine asks for a seat: a lease, or a borrow for the team's borrowing machine. All seats
    /// taken, it tries again later.
    func lease(_ id: Int, machine index: Int, attempt: Int, at agent: SimulatedNode) {
        guard let lineage = customers[id].lineage, let team = customers[id].team, team.held[index] == nil else { return }
        let action: MachineRequest.Action = index == team.borrowing ? .borrow : .lease
        do {
            let request = try customers[id].team!.machines[index].request(action, license: lineage, at: trueSeconds, nonce: nonce())
            let receipt = try leaseCall(request, "a \(action.rawValue)")
            guard let lease = acknowledgedLease(receipt, customer: id, machine: index, by: agent, what: action.rawValue) else { return }
            customers[id].team?.held[index] = lease.hash
            agent.stats.leased += 1
            note("\(agent.name) leases serial \(lease.payload.serial) of \(customers[id].name) to machine \(index) until \(lease.payload.exp)\(action == .borrow ? " (borrow)" : "")")
            let length = max(Scenario.minute, (lease.payload.exp - lease.payload.nbf) * Scenario.second)
            if index == team.crashing {
                note("\(customers[id].name)'s machine \(index) crashes holding its lease")
            } else if action == .borrow {
                schedule(id, .release(machine: index), after: random.integer(in: (length / 4)...(length / 2)))
            } else {
                schedule(id, .heartbeat(machine: index), after: random.integer(in: (length / 3)...(length / 2)))
            }
        } catch let error as ServiceRefusal {
            let passing = error.means(.noSeatFree) || error.isStorage
            let lease = scenario.floatingLeaseSeconds * Scenario.second
            refused(id, error, by: agent, doing: "a \(action.rawValue)", retry: passing ? Self.retry(.lease(machine: index, attempt: attempt)) : nil,
                    after: random.integer(in: (10 * Scenario.minute)...max(10 * Scenario.minute, lease)))
        } catch {
            unexpected(error, "signing a lease request")
        }
    }

    /// A machine extends its lease, or releases it once it has sent its heartbeats. A lease that
    /// ended meanwhile (the agent was down) is gone: the machine asks for a seat again.
    func heartbeat(_ id: Int, machine index: Int, at agent: SimulatedNode) {
        guard let lineage = customers[id].lineage, let team = customers[id].team, let held = team.held[index] else { return }
        guard team.heartbeatsLeft[index] > 0 else {
            release(id, machine: index, at: agent)
            return
        }
        do {
            let request = try customers[id].team!.machines[index].request(.heartbeat, license: lineage, activation: held, at: trueSeconds, nonce: nonce())
            let receipt = try leaseCall(request, "a heartbeat")
            guard let lease = acknowledgedLease(receipt, customer: id, machine: index, by: agent, what: "heartbeat") else { return }
            customers[id].team?.held[index] = lease.hash
            customers[id].team?.heartbeatsLeft[index] -= 1
            agent.stats.heartbeats += 1
            let length = max(Scenario.minute, (lease.payload.exp - lease.payload.nbf) * Scenario.second)
            schedule(id, .heartbeat(machine: index), after: random.integer(in: (length / 3)...(length / 2)))
        } catch let error as ServiceRefusal {
            if error.means(.leaseExpired) {
                customers[id].team?.held[index] = nil
                refused(id, error, by: agent, doing: "a heartbeat", retry: .lease(machine: index, attempt: 0), after: Scenario.minute)
            } else {
                refused(id, error, by: agent, doing: "a heartbeat", retry: error.isStorage ? .heartbeat(machine: index) : nil, after: Scenario.minute)
            }
        } catch {
            unexpected(error, "signing a heartbeat")
        }
    }

    /// A machine gives its seat back; the agent's signed release ends its lease in the customer's book.
    func release(_ id: Int, machine index: Int, at agent: SimulatedNode) {
        guard let lineage = customers[id].lineage, let team = customers[id].team, let held = team.held[index] else { return }
        do {
            let request = try customers[id].team!.machines[index].request(.release, license: lineage, activation: held, at: trueSeconds, nonce: nonce())
            let receipt = try leaseCall(request, "a release")
            let release = try SignedLeaseRelease(compact: receipt.lease)
            checker.check(.verifierSound, release.payload.lease == held && release.jws.isSigned(by: agent.identity.key.publicKey),
                          "\(agent.name) answered a release of lease \(held.prefix(8)) with an object that does not prove it")
            customers[id].team?.book.release(held, at: release.payload.iat)
            customers[id].team?.held[index] = nil
            agent.acknowledged.append(.leaseRelease(lease: held))
            agent.stats.released += 1
            note("\(agent.name) takes back serial \(release.payload.serial) of \(customers[id].name) from machine \(index)")
        } catch let error as ServiceRefusal {
            // A lease that ended meanwhile needs no release: its seat is free already.
            if error.means(.leaseExpired) { customers[id].team?.held[index] = nil }
            refused(id, error, by: agent, doing: "a release", retry: error.isStorage ? .release(machine: index) : nil, after: Scenario.minute)
        } catch {
            unexpected(error, "a release")
        }
    }

    /// A machine's signed lease request to the agent's lease server.
    func leaseCall(_ compact: String, _ what: String) throws(ServiceRefusal) -> LeaseReceipt {
        try call(.leaseRequest, body: Array(compact.utf8), expecting: .created, what) { try LeaseReceipt(data: $0) }
    }

    /// A lease the agent answered with: verified as the machine's software checks it (invariant 1),
    /// written in the customer's book, where an honest agent must never have more than N in force
    /// (invariant 2), and among what the agent acknowledged (kept across crashes, at the root at the end).
    private func acknowledgedLease(_ receipt: LeaseReceipt, customer id: Int, machine index: Int, by agent: SimulatedNode,
                                   what: String) -> SignedLease? {
        let lease: SignedLease
        do {
            let made = try customers[id].team!.machines[index].made()
            lease = try LeaseVerifier(verifier).verify(lease: receipt.lease, file: receipt.license, siteActivation: receipt.siteActivation,
                                                       machineKey: made.machineKey, at: trueSeconds).lease
            checker.passed(.verifierSound, count: 1)
        } catch {
            checker.fail(.verifierSound, "\(agent.name) handed \(customers[id].name) a \(what) lease at \(TraceRecorder.stamp(now)) that does not verify: \(error)")
            return nil
        }
        recordLease(lease, in: id, by: agent)
        return lease
    }

    /// The floating-seat invariant for a lease a customer holds: judged only for an agent taken
    /// for honest (a cheater's extra lease is the audit's to find).
    func recordLease(_ lease: SignedLease, in id: Int, by agent: SimulatedNode) {
        let broken = customers[id].team?.book.acknowledge(lease)
        if judgesHonest(agent) {
            checker.check(.withinCertificates, broken == nil, "\(agent.name) over-leased \(customers[id].name)'s floating license: \(broken ?? "")")
        }
        agent.acknowledged.append(.lease(hash: lease.hash))
    }
}
