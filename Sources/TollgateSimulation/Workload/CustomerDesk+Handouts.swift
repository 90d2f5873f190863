import TollgateCertificates
import TollgateNode

extension CustomerDesk {
    // MARK: Invariants on what customers receive

    /// A license a node handed a customer: read now, and queued for the customer's verifier (invariant 1).
    func delivered(_ file: LicenseFile, by agent: SimulatedNode, what: String) -> Delivery? {
        do {
            guard let leaf = file.chain.last else { throw VerificationError(.emptyChain, what, "no certificate chain") }
            let delivery = Delivery(license: try SignedLicense(compact: file.license), certificate: try certificate(leaf))
            queueVerification(file, activation: nil, machine: nil, by: agent, what: what)
            return delivery
        } catch {
            checker.fail(.verifierSound, "\(agent.name) handed out a \(what) that cannot be read: \(error)")
            return nil
        }
    }

    /// An activation a node handed a customer's machine, with the license it belongs to: read now
    /// (the license the customer already holds is not read again), verified on the second thread.
    func delivered(_ file: LicenseFile, activation compact: String, machine: PreparedMachine.Made, by agent: SimulatedNode,
                   what: String) -> SignedActivation? {
        do {
            let activation = try SignedActivation(compact: compact)
            queueVerification(file, activation: compact, machine: machine, by: agent, what: what)
            return activation
        } catch {
            checker.fail(.verifierSound, "\(agent.name) handed out a \(what) that cannot be read: \(error)")
            return nil
        }
    }

    private func queueVerification(_ file: LicenseFile, activation: String?, machine: PreparedMachine.Made?, by agent: SimulatedNode, what: String) {
        verificationJobs.append(CustomerVerifier.Job(
            sequence: index << 40 | verificationCount, chain: file.chain, license: file.license, activation: activation,
            machineKey: machine?.machineKey, fingerprint: machine?.fingerprint, at: trueSeconds,
            what: "\(agent.name) handed out a \(what) at \(TraceRecorder.stamp(now)) that"))
        verificationCount += 1
        if verificationJobs.count >= CustomerVerifier.batchSize { submitVerifications() }
    }

    /// A certificate by its compact form, parsed once.
    func certificate(_ compact: String) throws -> SignedCertificate {
        let hash = JWS.hash(of: compact)
        if let known = certificates[hash] { return known }
        let parsed = try SignedCertificate(compact: compact)
        certificates[hash] = parsed
        return parsed
    }

    /// A license an honest code path produced: inside the certificate it names, which the node
    /// holds, on serials never handed out before (a renewal keeps its lineage's).
    func recordLicense(_ delivery: Delivery, by agent: SimulatedNode) {
        let license = delivery.license
        let certificate = delivery.certificate
        checker.check(.withinCertificates, agent.books.holds(certificate.hash) && license.payload.cert == certificate.hash,
                      "\(agent.name) issued \(license.payload.seats) under certificate \(license.payload.cert.prefix(8)), which it does not hold")
        checker.check(.withinCertificates, certificate.payload.seats.contains(license.payload.seats),
                      "\(agent.name) issued \(license.payload.seats) outside its certificate's \(certificate.payload.seats)")
        if let lineage = license.payload.renews {
            checker.check(.withinCertificates, agent.lineageSeats[lineage] == license.payload.seats,
                          "\(agent.name) renewed \(lineage.prefix(8)) onto other serials \(license.payload.seats)")
        } else {
            let taken = agent.ledger.insert(license.payload.seats)
            checker.check(.withinCertificates, taken == nil,
                          "\(agent.name) issued \(license.payload.seats) though \(taken.map { "\($0)" } ?? "") was already handed out")
            agent.lineageSeats[license.hash] = license.payload.seats
        }
        agent.acknowledged.append(.license(hash: license.hash, logIndex: license.payload.logIndex))
    }
}
