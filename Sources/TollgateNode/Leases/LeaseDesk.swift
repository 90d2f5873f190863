import TollgateCertificates
import TollgateCrypto
import TollgateWire

/// The lease server of floating seats, one place for the issuing agent and a site node: a machine's
/// signed `lease`, `heartbeat`, `release` or `borrow` request, answered with a signed lease (or
/// release) stored and logged in the same transaction, so nothing is acknowledged that a restart
/// could lose. Never more than N unexpired leases per license of N serials: a crashed machine's seat
/// comes back when its lease ends, and a machine whose lease expired moments ago gets its serial back
/// with a heartbeat while no one else took it (cull and resurrection).
struct LeaseDesk: NodePart {
    let context: NodeContext
    let holdings: CertificateHoldings
    let machines: MachineDesk

    /// How long after its end a lease can still be brought back by its machine's heartbeat, if its
    /// serial is still free.
    static let resurrectionWindow: Int64 = 300

    /// See ``LicensingNode/handleLeaseRequest(_:at:)``.
    func handleLeaseRequest(_ compact: String, at now: Int64) throws(NodeError) -> LeaseReceipt {
        let request = try machines.verifiedMachineRequest(compact, at: now, window: MachineDesk.onlineRequestWindow)
        let served = try servedLicense(request.payload.license, at: now)
        let answer: String
        switch request.payload.action {
        case .lease: answer = try acquire(request.payload, served, kind: .lease, at: now).compact
        case .borrow: answer = try acquire(request.payload, served, kind: .borrow, at: now).compact
        case .heartbeat: answer = try heartbeat(request.payload, served, at: now).compact
        case .release: answer = try release(request, served, at: now).compact
        case .activate, .deactivate, .emergency, .site:
            throw NodeError(.invalidRequest, "a \(request.payload.action.rawValue) request goes to POST /v1/activations, not the lease server")
        }
        return LeaseReceipt(license: served.file, lease: answer, siteActivation: served.site?.compact)
    }

    /// The floating license `hash` names, as this node serves it: one it issued, or one it is bound
    /// to as a site. It must verify now (with its revocations) and be floating.
    func servedLicense(_ hash: String, at now: Int64) throws(NodeError) -> ServedLicense {
        let file: LicenseFile, license: SignedLicense, lineage: String, site: SignedActivation?
        if let issued = try storage({ try store.lineage(of: hash) }), let current = try storage({ try store.currentLicense(lineage: issued) }) {
            let held = try holdings.heldCertificate(matching: current.payload.cert)
            let revocations = try machines.revocations(concerning: issued, held: held)
            do {
                _ = try context.verifier.verify(current, chain: held.chain, at: now, revocations: revocations)
            } catch {
                throw NodeError(.licenseInvalid, error)
            }
            (file, license, lineage, site) = (LicenseFile(chain: held.chain, license: current.compact), current, issued, nil)
        } else if let binding = try storage({ try store.siteBindings() }).first(where: {
            $0.activation.payload.license == hash || (try? SignedLicense(compact: $0.file.license))?.hash == hash
        }) {
            let verified: VerifiedLicense
            do {
                verified = try context.verifier.verify(binding.file, at: now, activation: binding.activation.compact)
            } catch {
                throw NodeError(.licenseInvalid, error)
            }
            (file, license, lineage, site) = (binding.file, verified.license, binding.activation.payload.license, binding.activation)
        } else {
            throw NodeError(.notFound, "license \(hash) is neither issued by this node nor served by it as a site")
        }
        guard license.payload.model == FloatingTerms.model, let terms = license.payload.floating else {
            throw NodeError(.ruleViolation, "license \(HashID.short(lineage)) is \(license.payload.model), not floating: its seats are activated, not leased",
                            rule: .licenseNotFloating)
        }
        return ServedLicense(file: file, license: license, lineage: lineage, terms: terms, site: site)
    }

    /// A lease (or borrow) on a free serial. A machine already holding one keeps its serial: asking
    /// for a lease again answers the lease it holds, asking for a borrow turns it into a borrow.
    private func acquire(_ request: MachineRequest, _ served: ServedLicense, kind: Lease.Kind, at now: Int64) throws(NodeError) -> SignedLease {
        if let held = try storage({ try store.liveLease(lineage: served.lineage, machineKey: request.machineKey, at: now) }) {
            if kind == .lease { return held }
            return try grant(serial: held.payload.serial, kind: kind, to: request.machineKey, served, replacing: held.hash, at: now)
        }
        // The lowest serial no lease in force holds: the leased serials come sorted.
        let live = try storage { try store.liveLeaseSerials(lineage: served.lineage, at: now) }
        let seats = served.license.payload.seats
        var free = seats.start
        for leased in live where leased.serial >= free {
            guard leased.serial == free else { break }
            free += 1
        }
        guard free < seats.end else {
            let frees = live.map(\.exp).min() ?? now
            var error = NodeError(.noSeatFree, "all \(seats.count) seats of license \(HashID.short(served.lineage)) are leased; the next frees at \(TimeText.iso(frees))")
            error.seatFreesAt = frees
            throw error
        }
        return try grant(serial: free, kind: kind, to: request.machineKey, served, replacing: nil, at: now)
    }

    /// Extends a lease in force with a fresh one on the same serial; brings back one that ended
    /// less than ``resurrectionWindow`` ago if no other machine holds its serial.
    private func heartbeat(_ request: MachineRequest, _ served: ServedLicense, at now: Int64) throws(NodeError) -> SignedLease {
        let stored = try heldLease(request, served)
        let lease = stored.lease.payload
        if let ended = stored.endedAt {
            throw NodeError(.leaseExpired, "lease \(HashID.short(stored.lease.hash)) was released or replaced at \(TimeText.iso(ended)); heartbeat the latest lease, or lease again")
        }
        guard lease.kind == .lease else {
            throw NodeError(.invalidRequest, "a borrow is not extended by heartbeats; release it or borrow again")
        }
        if lease.exp > now {
            return try grant(serial: lease.serial, kind: .lease, to: request.machineKey, served, replacing: stored.lease.hash, at: now)
        }
        guard now - lease.exp <= Self.resurrectionWindow else {
            throw NodeError(.leaseExpired, "lease \(HashID.short(stored.lease.hash)) expired at \(TimeText.iso(lease.exp)), more than \(TimeText.duration(Self.resurrectionWindow)) ago; lease again")
        }
        if let holder = try storage({ try store.liveLease(lineage: served.lineage, serial: lease.serial, at: now) }),
           holder.payload.machineKey != request.machineKey {
            throw NodeError(.leaseExpired, "lease \(HashID.short(stored.lease.hash)) expired at \(TimeText.iso(lease.exp)) and serial \(lease.serial) is leased to another machine now; lease again")
        }
        if let mine = try storage({ try store.liveLease(lineage: served.lineage, machineKey: request.machineKey, at: now) }) { return mine }
        return try grant(serial: lease.serial, kind: .lease, to: request.machineKey, served, replacing: nil, at: now)
    }

    /// Ends a lease in force now, logging the machine's signed request as the proof.
    private func release(_ request: SignedMachineRequest, _ served: ServedLicense, at now: Int64) throws(NodeError) -> SignedLeaseRelease {
        let stored = try heldLease(request.payload, served)
        if let ended = stored.endedAt {
            throw NodeError(.leaseExpired, "lease \(HashID.short(stored.lease.hash)) already ended at \(TimeText.iso(ended))")
        }
        guard stored.lease.payload.exp > now else {
            throw NodeError(.leaseExpired, "lease \(HashID.short(stored.lease.hash)) expired at \(TimeText.iso(stored.lease.payload.exp)); its seat is free already")
        }
        let payload = LeaseRelease(iss: identity.keyID, lease: stored.lease.hash, serial: stored.lease.payload.serial, proof: request.compact,
                                   iat: now, jti: ids.make())
        return try storage {
            try store.transaction {
                var payload = payload
                payload.logIndex = try store.log.size
                let signed = try context.signObject(payload)
                _ = try store.log.append(kind: LogEntryKind.leaseReleased.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.endLease(hash: stored.lease.hash, at: now)
                return signed
            }
        }
    }

    /// The lease a heartbeat or release names: one of this license, held by the asking machine.
    private func heldLease(_ request: MachineRequest, _ served: ServedLicense) throws(NodeError) -> NodeStore.StoredLease {
        guard let hash = request.activation, let stored = try storage({ try store.lease(hash: hash) }),
              stored.lease.payload.license == served.lineage else {
            throw NodeError(.notFound, "no lease \(request.activation ?? "") of license \(HashID.short(served.lineage)) here")
        }
        guard stored.lease.payload.machineKey == request.machineKey else {
            throw NodeError(.notLeaseHolder, "lease \(HashID.short(hash)) is held by another machine; only its holder can extend or release it")
        }
        return stored
    }

    /// Signs, logs and stores a lease on `serial` in one transaction, ending `replacing` (the
    /// machine's previous lease) in the same one.
    private func grant(serial: UInt64, kind: Lease.Kind, to machineKey: String, _ served: ServedLicense, replacing: String?,
                       at now: Int64) throws(NodeError) -> SignedLease {
        let length = kind == .lease ? served.terms.lease : served.terms.borrow
        guard length > 0 else {
            throw NodeError(.ruleViolation, "license \(HashID.short(served.lineage)) allows no borrowing", rule: .borrowTooLong)
        }
        var exp = now + length
        if let end = served.license.payload.exp { exp = min(exp, end) }
        guard exp > now else {
            throw NodeError(.licenseInvalid, "the license ended at \(TimeText.iso(exp)); it takes no lease after its end")
        }
        let payload = Lease(iss: identity.keyID, license: served.lineage, serial: serial, machineKey: machineKey, nbf: now, exp: exp,
                            kind: kind, jti: ids.make(), site: served.site?.hash)
        return try storage {
            try store.transaction {
                var payload = payload
                payload.logIndex = try store.log.size
                let signed = try context.signObject(payload)
                let index = try store.log.append(kind: LogEntryKind.leaseGranted.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertLease(signed, lineage: served.lineage, logIndex: index)
                if let replacing { try store.endLease(hash: replacing, at: now) }
                return signed
            }
        }
    }

    /// See ``LicensingNode/bindSite(_:at:)``: a site takes the agent's receipt of its site activation.
    func bindSite(_ receipt: ActivationReceipt, at now: Int64) throws(NodeError) -> SignedActivation {
        let activation: SignedActivation
        let verified: VerifiedLicense
        do {
            activation = try SignedActivation(compact: receipt.activation)
            verified = try context.verifier.verify(receipt.license, at: now, activation: receipt.activation,
                                                   machine: MachineIdentity(machineKey: Base64URL.encode(identity.key.publicKey.rawRepresentation)))
        } catch {
            throw NodeError(.certificateRejected, error)
        }
        guard activation.payload.kind == .site else {
            throw NodeError(.invalidRequest, "the receipt holds a \(activation.payload.kind.rawValue) activation, not a site activation")
        }
        guard verified.license.payload.model == FloatingTerms.model else {
            throw NodeError(.ruleViolation, "only a floating license is served by a site", rule: .licenseNotFloating)
        }
        let lineage = activation.payload.license
        if let bound = try storage({ try store.siteBinding(lineage: lineage) }) {
            guard bound.activation.hash == activation.hash else {
                throw NodeError(.invalidRequest, "this site is already bound to license \(HashID.short(lineage)) by activation \(HashID.short(bound.activation.hash))")
            }
            return bound.activation
        }
        return try storage {
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.siteBound.rawValue, bytes: Array(activation.compact.utf8), at: now)
                try store.insertSiteBinding(lineage: lineage, file: receipt.license, activation: activation, logIndex: index, at: now)
                return activation
            }
        }
    }
}
