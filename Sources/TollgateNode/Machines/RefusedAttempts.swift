import TollgateCertificates
import TollgateCrypto

/// Refused attempts to take a seat, kept as evidence: a refusal changes nothing stored but its
/// record, a signed ``ActivationRefusal`` in the node's log, so it syncs up the tree and the root
/// sees piracy attempts (over-activation, over-leasing, forged or foreign licenses, activation
/// abroad) in its `piracy` report and console. Only requests that parse as a signed machine request
/// count (anything less is not an attempt), and the log is bounded against floods: at most
/// ``loggedPerHour`` records an hour, the rest counted and logged as one summary for the hour.
struct RefusedAttempts: NodePart {
    let context: NodeContext

    /// The most refusals a node logs one by one in an hour; past it they are only counted.
    static let loggedPerHour: UInt64 = 100
    static let hourSeconds: Int64 = 3_600

    /// Runs `body` (the handling of one machine request) so that a refusal leaves nothing behind
    /// but its record: what `body` wrote is rolled back, then the refusal is logged if it is one
    /// worth logging. The answer is the same either way.
    func answer<T>(_ compact: String, attempt: ActivationRefusal.Attempt, at now: Int64,
                   _ body: () throws(NodeError) -> T) -> Result<T, NodeError> {
        var refusal: NodeError?
        do {
            return .success(try storage {
                try store.transaction { () throws -> T in
                    do throws(NodeError) {
                        return try body()
                    } catch {
                        refusal = error
                        throw error
                    }
                }
            })
        } catch {
            // A refusal the store could not record is still answered as it is: the record is
            // evidence for the vendor, never a condition of the answer.
            if let refusal { try? record(refusal, request: compact, attempt: attempt, at: now) }
            return .failure(refusal ?? error)
        }
    }

    /// Whether `error` refusing an `attempt` is logged: for an activation, every refusal but a
    /// replay (the same request again) and a storage failure; for a lease, all seats being leased.
    static func isLogged(_ error: NodeError, attempt: ActivationRefusal.Attempt) -> Bool {
        switch attempt {
        case .activation: error.code != .replayed && error.code != .storage
        case .lease: error.code == .noSeatFree
        }
    }

    /// The code a refusal is logged under: the failing verifier rule where there is one, else the error's code.
    static func code(of error: NodeError) -> String {
        error.rule?.rawValue ?? error.code.rawValue
    }

    /// Logs `error`'s refusal of `compact` (see ``answer(_:attempt:at:_:)``), or counts it when the
    /// hour's cap is reached; first logs the summaries of earlier hours that left refusals out.
    func record(_ error: NodeError, request compact: String, attempt: ActivationRefusal.Attempt, at now: Int64) throws(NodeError) {
        guard Self.isLogged(error, attempt: attempt), let request = try? SignedMachineRequest(compact: compact) else { return }
        let hour = Self.hourStart(now)
        let code = Self.code(of: error)
        try storage {
            try store.transaction {
                try logSummaries(before: hour, at: now)
                let logged = try store.refusalsLogged(hour: hour) < Self.loggedPerHour
                try store.countRefusal(hour: hour, attempt: attempt, code: code, logged: logged)
                guard logged else { return }
                try log(try refusal(of: request, attempt: attempt, code: code, at: now), at: now)
            }
        }
    }

    /// Logs the summaries of the hours before the one of `now` that left refusals out (one
    /// indexed probe when none did), in one transaction.
    func closeHours(before now: Int64) throws(NodeError) {
        let hour = Self.hourStart(now)
        try storage { try store.transaction { try logSummaries(before: hour, at: now) } }
    }

    static func hourStart(_ time: Int64) -> Int64 {
        time - ((time % hourSeconds) + hourSeconds) % hourSeconds
    }

    /// Logs one summary per earlier hour that left refusals out, and forgets those hours' counts.
    func logSummaries(before hour: Int64, at now: Int64) throws {
        let left = try store.suppressedRefusals(before: hour)
        for (start, counts) in Dictionary(grouping: left, by: \.hour).sorted(by: { $0.key < $1.key }) {
            for chunk in stride(from: 0, to: counts.count, by: ObjectLimits.maxListCount) {
                let suppressed = counts[chunk..<min(counts.count, chunk + ObjectLimits.maxListCount)].map(\.suppressed)
                try log(ActivationRefusal(iss: identity.keyID, attempt: suppressed[0].attempt, code: ActivationRefusal.summaryCode, iat: now,
                                          jti: ids.make(), hour: start, suppressed: suppressed), at: now)
            }
        }
        try store.forgetRefusalCounts(before: hour)
    }

    /// What the record of a refused `request` says: the license when this node holds it, the
    /// machine when the request is signed by the key it names, and the request's country and platform.
    private func refusal(of request: SignedMachineRequest, attempt: ActivationRefusal.Attempt, code: String, at now: Int64) throws -> ActivationRefusal {
        let claims = request.payload
        var held: SignedLicense?
        if let lineage = try store.lineage(of: claims.license) { held = try store.currentLicense(lineage: lineage) }
        let key = (try? Base64URL.decode(claims.machineKey)).flatMap { try? Ed25519PublicKey(rawRepresentation: $0) }
        let signed = key.map { request.jws.header.kid == $0.thumbprint && request.jws.isSigned(by: $0) } ?? false
        func bounded(_ text: String) -> String? { text.isEmpty || text.utf8.count > ObjectLimits.maxStringBytes ? nil : text }
        return ActivationRefusal(iss: identity.keyID, attempt: attempt, code: code, license: bounded(claims.license),
                                 serial: held?.payload.seats.start, customer: held.flatMap { bounded($0.payload.customer) },
                                 machine: signed ? key?.thumbprint : nil, country: FieldFormat.isCountryCode(claims.country) ? claims.country : nil,
                                 platform: bounded(claims.platform), iat: now, jti: ids.make())
    }

    private func log(_ payload: ActivationRefusal, at now: Int64) throws {
        let signed = try context.signObject(payload)
        _ = try store.log.append(kind: LogEntryKind.activationRefused.rawValue, bytes: Array(signed.compact.utf8), at: now)
    }
}
