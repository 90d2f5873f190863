import TollgateCertificates
import TollgateCrypto
import TollgateWire

/// Machines: a machine's signed request to activate, to give its seat back, or to stand in for a
/// failed machine (an emergency), online or from an offline request file, and what a license's
/// seats look like now. The seat rules: one active machine per serial, activation country inside
/// the license's territory, license valid now and not revoked. Each nonce is answered once.
struct MachineDesk: NodePart {
    let context: NodeContext
    let holdings: CertificateHoldings

    /// How far an online machine request's `iat` may be from the node's clock.
    static let onlineRequestWindow: Int64 = 600
    /// How old an offline request file may be when an operator answers it (it travels by hand).
    static let offlineRequestWindow: Int64 = 30 * 86_400

    /// See ``LicensingNode/handleMachineRequest(_:at:offline:)``.
    func handleMachineRequest(_ compact: String, at now: Int64, offline: Bool) throws(NodeError) -> ActivationReceipt {
        let request = try verifiedMachineRequest(compact, at: now, window: offline ? Self.offlineRequestWindow : Self.onlineRequestWindow)
        guard let lineage = try storage({ try store.lineage(of: request.payload.license) }),
              let license = try storage({ try store.currentLicense(lineage: lineage) }) else {
            throw NodeError(.notFound, "license \(request.payload.license) was not issued by this node")
        }
        let held = try holdings.heldCertificate(matching: license.payload.cert)
        let floating = license.payload.model == FloatingTerms.model
        switch request.payload.action {
        case .activate where floating, .emergency where floating:
            throw NodeError(.invalidRequest, "license \(HashID.short(lineage)) is floating: its seats are leased (POST /v1/leases), not activated",
                            rule: .licenseNotFloating)
        case .lease, .heartbeat, .release, .borrow:
            throw NodeError(.invalidRequest, "a \(request.payload.action.rawValue) request goes to the lease server (POST /v1/leases)")
        case .site:
            guard floating else {
                throw NodeError(.ruleViolation, "only a floating license is served by a site; this one's model is \(license.payload.model)",
                                rule: .licenseNotFloating)
            }
            try checkUsable(license, lineage: lineage, held: held, country: request.payload.country, at: now)
            let activation = try bindSite(request.payload, license: license, lineage: lineage, at: now)
            return ActivationReceipt(license: LicenseFile(chain: held.chain, license: license.compact), activation: activation.compact)
        case .activate:
            try checkUsable(license, lineage: lineage, held: held, country: request.payload.country, at: now)
            let activation = try activate(request.payload, license: license, lineage: lineage, at: now)
            return ActivationReceipt(license: LicenseFile(chain: held.chain, license: license.compact), activation: activation.compact)
        case .emergency:
            try checkUsable(license, lineage: lineage, held: held, country: request.payload.country, at: now)
            let activation = try emergency(request.payload, license: license, lineage: lineage, limits: held.payload.emergencyLimits, at: now)
            return ActivationReceipt(license: LicenseFile(chain: held.chain, license: license.compact), activation: activation.compact)
        case .deactivate:
            let ended = try deactivate(request, lineage: lineage, at: now)
            return ActivationReceipt(license: LicenseFile(chain: held.chain, license: license.compact), activation: ended.compact)
        }
    }

    func verifiedMachineRequest(_ compact: String, at now: Int64, window: Int64) throws(NodeError) -> SignedMachineRequest {
        let request: SignedMachineRequest
        let machineKey: Ed25519PublicKey
        do {
            request = try SignedMachineRequest(compact: compact)
            machineKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(request.payload.machineKey))
        } catch let error as VerificationError {
            throw NodeError(.invalidRequest, error)
        } catch {
            throw NodeError(.invalidRequest, "machine_key is not an Ed25519 public key: \(error)")
        }
        // A request is new bytes, so it is looked up in the record of verified signatures but never
        // added to it; it is found there only where a verifier sharing the record (the simulator's
        // customers' machines) checked these very bytes with this very key.
        let known = store.verifiedSignatures.objects.contains(jwsHash: request.jws.hash, signedBy: machineKey)
        guard request.jws.header.kid == machineKey.thumbprint, known || request.jws.isSigned(by: machineKey) else {
            throw NodeError(.unauthorized, "the request is not signed by the machine key it names")
        }
        // Nonces are kept, so a request is answered once however old; the window bounds how long a
        // request may wait. Requests from the future (beyond clock skew) are refused either way.
        guard request.payload.iat <= now + Self.onlineRequestWindow, now - request.payload.iat <= window else {
            throw NodeError(.replayed, "the request was made at \(request.payload.iat), outside \(window) s of now (\(now)); make a fresh one")
        }
        guard try storage({ try store.recordNonce(request.payload.nonce, machineKey: request.payload.machineKey, at: now) }) else {
            throw NodeError(.replayed, "this request (nonce \(request.payload.nonce)) was already handled")
        }
        return request
    }

    /// The license must be valid now, not revoked (its certificate or the license itself), not past
    /// its end, and activated inside its territory.
    private func checkUsable(_ license: SignedLicense, lineage: String, held: HeldCertificate, country: String, at now: Int64) throws(NodeError) {
        let revocations = try revocations(concerning: lineage, held: held)
        do {
            _ = try context.verifier.verify(license, chain: held.chain, at: now, revocations: revocations)
        } catch {
            throw NodeError(.licenseInvalid, error)
        }
        // The clock-skew allowance the license check grants does not stretch to new activations:
        // the offline verifier refuses an activation dated after the license's end.
        if let exp = license.payload.exp, now > exp {
            throw NodeError(.licenseInvalid, "the license ended at \(TimeText.iso(exp)); it takes no activation after its end", rule: .activationExpired)
        }
        guard license.payload.territory.contains(country) else {
            throw NodeError(.ruleViolation, "activation in \(country) is outside the territory \(license.payload.territory.joined(separator: ","))",
                            rule: .activationOutsideTerritory)
        }
    }

    private func activate(_ request: MachineRequest, license: SignedLicense, lineage: String, at now: Int64) throws(NodeError) -> SignedActivation {
        let active = try storage { try store.activeActivations(lineage: lineage, at: now) }
        if let existing = active.first(where: { $0.payload.machineKey == request.machineKey && $0.payload.kind == .standard }) {
            return existing  // the machine already holds a seat: activating again changes nothing
        }
        let occupied = Set(active.filter { $0.payload.kind != .temporary }.map(\.payload.serial))
        guard let serial = (license.payload.seats.start..<license.payload.seats.end).first(where: { !occupied.contains($0) }) else {
            throw NodeError(.seatsInUse, "all \(license.payload.seats.count) seats of the license are active; deactivate a machine first")
        }
        let payload = Activation(iss: identity.keyID, license: lineage, serial: serial, machineKey: request.machineKey,
                                 fingerprint: request.fingerprint, platform: request.platform, country: request.country,
                                 iat: now, exp: nil, kind: .standard, jti: ids.make())
        return try record(payload, lineage: lineage, customer: license.payload.customer, at: now)
    }

    /// One site per license: its key becomes the license's lease server through a site activation
    /// on the license's first serial, until the license ends. Binding the same site again changes nothing.
    private func bindSite(_ request: MachineRequest, license: SignedLicense, lineage: String, at now: Int64) throws(NodeError) -> SignedActivation {
        let active = try storage { try store.activeActivations(lineage: lineage, at: now) }
        if let bound = active.first(where: { $0.payload.kind == .site }) {
            guard bound.payload.machineKey == request.machineKey else {
                throw NodeError(.seatsInUse, "the license is already served by site \(HashID.short(bound.payload.machineKey)) (activation \(HashID.short(bound.hash)))")
            }
            return bound
        }
        guard let exp = license.payload.exp, exp > now else {
            throw NodeError(.licenseInvalid, "a site is bound until the license ends, and this license has no end ahead")
        }
        let payload = Activation(iss: identity.keyID, license: lineage, serial: license.payload.seats.start, machineKey: request.machineKey,
                                 fingerprint: request.fingerprint, platform: request.platform, country: request.country,
                                 iat: now, exp: exp, kind: .site, jti: ids.make())
        return try record(payload, lineage: lineage, customer: license.payload.customer, at: now)
    }

    /// A spare machine stands in for a failed one on its serial, for at most the certificate's
    /// `max_seconds`. The failed machine keeps its seat (it may come back, and only it can give the
    /// seat back); so that the stand-in never becomes a free second seat, a license gets at most
    /// `max_count` emergencies in any `period_seconds`, a second one for the same failed machine
    /// included.
    private func emergency(_ request: MachineRequest, license: SignedLicense, lineage: String, limits: EmergencyLimits,
                           at now: Int64) throws(NodeError) -> SignedActivation {
        guard let failedHash = request.activation,
              let (failed, endedAt) = try storage({ try store.activation(hash: failedHash) }), failed.payload.license == lineage else {
            throw NodeError(.notFound, "the activation to stand in for is not an activation of this license")
        }
        guard endedAt == nil, failed.payload.kind == .standard else {
            throw NodeError(.invalidRequest, "an emergency activation stands in for an active standard activation only")
        }
        let active = try storage { try store.activeActivations(lineage: lineage, at: now) }
        if let existing = active.first(where: { $0.payload.replaces == failedHash }) {
            guard existing.payload.machineKey == request.machineKey else {
                throw NodeError(.seatsInUse, "another machine already stands in for that activation until \(TimeText.iso(existing.payload.exp ?? now))")
            }
            return existing
        }
        let recent = try storage { try store.emergencyCount(lineage: lineage, since: now - limits.periodSeconds) }
        guard recent < limits.maxCount else {
            throw NodeError(.ruleViolation, "the license had \(recent) emergency activations in the last \(limits.periodSeconds) s; its certificate allows \(limits.maxCount)",
                            rule: .emergencyLimitReached)
        }
        var exp = now + limits.maxSeconds
        if let licenseExp = license.payload.exp { exp = min(exp, licenseExp) }
        // Within the verifier's clock-skew tolerance a license may still pass after its end; a
        // stand-in seat ending before it starts would be an unreadable object in the log.
        guard exp > now else {
            throw NodeError(.licenseInvalid, "the license ended at \(TimeText.iso(exp)); an emergency activation cannot start after it")
        }
        let payload = Activation(iss: identity.keyID, license: lineage, serial: failed.payload.serial, machineKey: request.machineKey,
                                 fingerprint: request.fingerprint, platform: request.platform, country: request.country,
                                 iat: now, exp: exp, kind: .temporary, jti: ids.make(), replaces: failedHash)
        return try record(payload, lineage: lineage, customer: license.payload.customer, at: now)
    }

    private func deactivate(_ request: SignedMachineRequest, lineage: String, at now: Int64) throws(NodeError) -> SignedDeactivation {
        guard let hash = request.payload.activation, let (activation, endedAt) = try storage({ try store.activation(hash: hash) }),
              activation.payload.license == lineage else {
            throw NodeError(.notFound, "no activation \(request.payload.activation ?? "") of this license")
        }
        guard activation.payload.machineKey == request.payload.machineKey else {
            throw NodeError(.unauthorized, "only the activated machine can give its seat back")
        }
        guard endedAt == nil else { throw NodeError(.invalidRequest, "that activation already ended at \(endedAt ?? 0)") }
        let payload = Deactivation(iss: identity.keyID, activation: hash, serial: activation.payload.serial, proof: request.compact,
                                   iat: now, jti: ids.make())
        return try storage {
            try store.transaction {
                var payload = payload
                payload.logIndex = try store.log.size
                let signed = try context.signObject(payload)
                _ = try store.log.append(kind: LogEntryKind.deactivation.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.endActivation(hash: hash, at: now)
                return signed
            }
        }
    }

    private func record(_ payload: Activation, lineage: String, customer: String, at now: Int64) throws(NodeError) -> SignedActivation {
        try storage {
            // Signed inside the transaction, so the log index it names is the one it is appended at.
            try store.transaction {
                var payload = payload
                payload.logIndex = try store.log.size
                let signed = try context.signObject(payload)
                let index = try store.log.append(kind: LogEntryKind.activation.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertActivation(signed, lineage: lineage, logIndex: index)
                try WebhookOutbox(context: context).activationRecorded(signed, customer: customer, at: now)
                return signed
            }
        }
    }

    /// See ``LicensingNode/licenseStatus(hash:at:)``.
    func licenseStatus(hash: String, at now: Int64) throws(NodeError) -> LicenseStatusReport {
        guard let lineage = try storage({ try store.lineage(of: hash) }),
              let current = try storage({ try store.currentLicense(hash: hash) }) else {
            throw NodeError(.notFound, "license \(hash) was not issued by this node")
        }
        let held = try holdings.heldCertificate(matching: current.payload.cert)
        let file = LicenseFile(chain: held.chain, license: current.compact)
        let addonLicenses = try storage { try store.addons(lineage: lineage) }
        var addons: [LicenseFile] = []
        var addonRevocations: [String] = []
        for addon in addonLicenses {
            let addonHeld = try holdings.heldCertificate(matching: addon.payload.cert)
            addons.append(LicenseFile(chain: addonHeld.chain, license: addon.compact))
            addonRevocations += try storage { try store.licenseRevocations(lineage: addon.hash) }.map(\.compact)
        }
        let revocations = try revocations(concerning: lineage, held: held) + addonRevocations
        var problem: VerificationError?
        do {
            _ = try context.verifier.verify(file, at: now, revocations: revocations)
        } catch {
            problem = error
        }
        let active = try storage { try store.activeActivations(lineage: lineage, at: now) }
        let seats = Set(active.filter { $0.payload.kind == .standard }.map(\.payload.serial)).count
        return LicenseStatusReport(file: file, current: current, lineage: lineage, problem: problem, activeSeats: seats, revocations: revocations,
                                   addons: addons)
    }

    /// The revocations a license of `lineage` under `held` must be checked against: those of the
    /// certificates of its chain and those of the lineage itself. Other licenses' revocations are
    /// left out, so a machine's status carries only what concerns its license.
    func revocations(concerning lineage: String, held: HeldCertificate) throws(NodeError) -> [String] {
        try storage { try store.revocations(of: held.chainHashes) + store.licenseRevocations(lineage: lineage) }.map(\.compact)
    }
}
