import TollgateCertificates
import TollgateLedger
import TollgateWire

/// Sales: checking a sale against the held certificates, placing it on free serials and a log
/// position (a plan, which changes nothing), and recording signed plans in the log, all or none.
/// Plans of one batch share their store reads through ``PlanningReads``.
struct SalePlanner: NodePart {
    let context: NodeContext
    let holdings: CertificateHoldings
    let serials: SerialAllocator
    let freshness: SyncFreshness

    /// See ``LicensingNode/issue(_:at:)``.
    func issue(_ request: LicenseRequest, at now: Int64) throws(NodeError) -> LicenseFile {
        let plan = try planIssue(request, at: now)
        return try record([(plan, try plan.sign(with: identity.key, recordingIn: store.verifiedSignatures.objects))])[0]
    }

    /// See ``LicensingNode/planIssue(_:at:after:)``.
    func planIssue(_ request: LicenseRequest, at now: Int64, after earlier: [LicensePlan] = []) throws(NodeError) -> LicensePlan {
        var reads = PlanningReads()
        let trials = Self.trialKey(request).map { key in
            earlier.filter { Self.trialKey($0.payload.model, $0.payload.customer, $0.payload.product) == key }.count
        } ?? 0
        return try planIssue(request, at: now, reserved: earlier.map(\.payload.seats), earlierCount: earlier.count, earlierTrials: trials,
                             earlierOrders: Set(earlier.compactMap(\.order?.id)), reads: &reads)
    }

    /// See ``LicensingNode/planIssues(_:after:)``: behind unrecorded plans given by their serials
    /// and the trials among them.
    func planIssues(_ sales: [(request: LicenseRequest, at: Int64)], behind earlierSeats: [SerialRange],
                    earlierTrials: [String: Int] = [:], earlierOrders: Set<String> = []) -> [Result<LicensePlan, NodeError>] {
        var reads = PlanningReads()
        var plannedOrders = earlierOrders
        var reserved = earlierSeats
        var earlierCount = earlierSeats.count
        // Trials planned in this batch count against the customer's allowance like recorded ones.
        var plannedTrials = earlierTrials
        return sales.map { sale in
            let key = Self.trialKey(sale.request)
            let plan = Result { () throws(NodeError) in
                try planIssue(sale.request, at: sale.at, reserved: reserved, earlierCount: earlierCount,
                              earlierTrials: key.map { plannedTrials[$0] ?? 0 } ?? 0, earlierOrders: plannedOrders, reads: &reads)
            }
            if case .success(let made) = plan {
                reserved.append(made.payload.seats)
                earlierCount += 1
                if let key { plannedTrials[key, default: 0] += 1 }
                if let order = made.order { plannedOrders.insert(order.id) }
            }
            return plan
        }
    }

    /// `reserved` holds the serials of the `earlierCount` plans not yet recorded that this one comes
    /// after, `earlierOrders` their order ids. A request with an order id already recorded or planned
    /// is order_conflict here: whoever asks for an order's license again is answered from ``OrderBook``.
    private func planIssue(_ request: LicenseRequest, at now: Int64, reserved: [SerialRange], earlierCount: Int, earlierTrials: Int = 0,
                           earlierOrders: Set<String> = [], reads: inout PlanningReads) throws(NodeError) -> LicensePlan {
        guard request.seatCount > 0 else { throw NodeError(.invalidRequest, "a license needs at least one seat") }
        let order = try OrderTerms(request)
        if let order {
            if let recorded = try storage({ try store.order(id: order.id) }) {
                throw NodeError(.orderConflict, "order \(order.id) is already recorded (license \(HashID.short(recorded.licenseHash)))")
            }
            guard !earlierOrders.contains(order.id) else { throw NodeError(.orderConflict, "order \(order.id) is being issued already") }
        }
        var request = request
        if let days = request.days {
            guard request.exp == nil else { throw NodeError(.invalidRequest, "give a license's end as exp or as days, not both") }
            guard (1...Self.maxDays).contains(days) else { throw NodeError(.invalidRequest, "days must be 1 to \(Self.maxDays), got \(days)") }
            request.exp = now + days * 86_400
        }
        let plan = try planIssue(request, at: now, reserved: reserved, earlierCount: earlierCount, earlierTrials: earlierTrials, reads: &reads)
        return LicensePlan(payload: plan.payload, chain: plan.chain, holderHash: plan.holderHash, order: order)
    }

    /// The longest term in days a request may give (a thousand years).
    static let maxDays: Int64 = 365_000

    private func planIssue(_ request: LicenseRequest, at now: Int64, reserved: [SerialRange], earlierCount: Int, earlierTrials: Int,
                           reads: inout PlanningReads) throws(NodeError) -> LicensePlan {
        if let hash = request.certificateHash {
            return try planIssue(request, under: holdings.heldCertificate(matching: hash), at: now, reserved: reserved,
                                 earlierCount: earlierCount, earlierTrials: earlierTrials, reads: &reads)
        }
        let held = try holdings.heldCertificates()
        guard let oldest = held.first else {
            throw NodeError(.noCertificate, identity.isRoot
                ? "the root sells under a certificate it delegates to itself, and holds none yet: make one with `tollgate delegate --to-self`"
                : "this node holds no certificate to issue under")
        }
        if held.count == 1 {
            return try planIssue(request, under: oldest, at: now, reserved: reserved, earlierCount: earlierCount, earlierTrials: earlierTrials, reads: &reads)
        }
        // Certificates are tried oldest first; those without a free run of the seats asked for would
        // refuse, so only the others are read, a page at a time: a sale costs the same whatever
        // number of used-up certificates the node holds.
        let pageSize = 8
        var firstRefusal: (hash: String, error: NodeError)?
        var after: (receivedAt: Int64, hash: String)?
        while true {
            let page = try reads.certificatesWithRoom(for: request.seatCount, after: after, limit: pageSize, in: context)
            for entry in page {
                guard let candidate = try holdings.heldCertificate(hash: entry.hash) else { continue }
                do {
                    return try planIssue(request, under: candidate, at: now, reserved: reserved, earlierCount: earlierCount, earlierTrials: earlierTrials, reads: &reads)
                } catch {
                    if error.code == .storage { throw error }
                    firstRefusal = firstRefusal ?? (entry.hash, error)
                }
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = last
        }
        // No certificate can take the sale: refused as the oldest one refuses it.
        if let firstRefusal, firstRefusal.hash == oldest.hash { throw firstRefusal.error }
        return try planIssue(request, under: oldest, at: now, reserved: reserved, earlierCount: earlierCount, earlierTrials: earlierTrials, reads: &reads)
    }

    private func planIssue(_ request: LicenseRequest, under held: HeldCertificate, at now: Int64, reserved: [SerialRange],
                           earlierCount: Int, earlierTrials: Int = 0, reads: inout PlanningReads) throws(NodeError) -> LicensePlan {
        let certificate = held.payload
        if let revocation = try reads.revocations(of: held, in: context).first(where: { $0.payload.effective <= now }) {
            throw NodeError(.noCertificate, "certificate \(held.hash.prefix(12)) is revoked from \(TimeText.iso(revocation.payload.effective)): \(revocation.payload.reason)")
        }
        try freshness.check(certificate, at: now, lastContact: reads.parentContact(from: freshness))
        if request.model == TrialAllowance.model, let trials = certificate.trials {
            let given = try storage { try store.trialCount(customer: request.customer, product: request.product) } + earlierTrials
            guard given < trials.perCustomer else {
                throw NodeError(.ruleViolation, "\(request.customer) already had \(given) trial(s) of \(request.product); the certificate allows \(trials.perCustomer) per customer",
                                rule: .trialLimitReached)
            }
        }
        let tierFeatures = request.tier.flatMap { certificate.features(ofTier: $0, product: request.product) }
        let features = request.features ?? tierFeatures ?? certificate.products[request.product] ?? []
        let seats = try serials.freeRange(count: request.seatCount, of: held, avoiding: reserved,
                                          lastRun: reads.lastFreeRun(of: held, in: context))
        let logIndex = try reads.logSize(in: context) + UInt64(earlierCount)
        let payload = License(
            iss: identity.keyID, cert: held.hash, seats: seats, customer: request.customer, country: request.country,
            territory: request.territory ?? [request.country], product: request.product, features: features,
            model: request.model, price: request.price, iat: now, nbf: request.nbf ?? now, exp: request.exp,
            logIndex: logIndex, jti: ids.make(), tier: request.tier, expiry: request.expiry, metering: request.metering,
            floating: request.floating ?? (request.model == FloatingTerms.model ? certificate.floating : nil))
        do {
            try payload.validateFields(object: "license")
            try LicenseRules.check(payload, within: certificate)
        } catch {
            throw NodeError([.invalidField, .expiryRequired, .floatingTermsRequired].contains(error.rule) ? .invalidRequest : .ruleViolation, error)
        }
        return LicensePlan(payload: payload, chain: held.chain, holderHash: held.hash)
    }

    /// See ``LicensingNode/record(_:)``.
    func record(_ signed: [(plan: LicensePlan, license: SignedLicense)]) throws(NodeError) -> [LicenseFile] {
        guard let first = signed.first else { return [] }
        return try storage {
            try store.transaction {
                let entries = signed.map { NewLogEntry(kind: LogEntryKind.licenseIssued.rawValue, bytes: Array($0.license.compact.utf8),
                                                       appendedAt: $0.plan.payload.iat) }
                let indices = try store.log.append(contentsOf: entries)
                guard indices.lowerBound == first.plan.payload.logIndex else {
                    throw NodeError(.storage, "planned at log index \(first.plan.payload.logIndex), but the log has \(indices.lowerBound) entries")
                }
                return try zip(indices, signed).map { index, item in
                    guard item.license.payload == item.plan.payload, item.plan.payload.logIndex == index else {
                        throw NodeError(.storage, "the signed license does not match the plan for log index \(index)")
                    }
                    try store.insertLicense(item.license, logIndex: index)
                    try WebhookOutbox(context: context).licenseIssued(item.license)
                    if let order = item.plan.order {
                        try store.insertOrder(RecordedOrder(id: order.id, kind: .issue, licenseHash: item.license.hash, terms: order.terms), logIndex: index)
                    }
                    try store.insertAllocation(SerialAllocation(seats: item.plan.payload.seats, kind: .licensed, holderHash: item.plan.holderHash,
                                                                objectHash: item.license.hash),
                                               logIndex: index, at: item.plan.payload.iat)
                    return LicenseFile(chain: item.plan.chain, license: item.license.compact)
                }
            }
        }
    }

    /// What a trial sale is counted by (customer and product); nil for any other model.
    static func trialKey(_ model: String, _ customer: String, _ product: String) -> String? {
        model == TrialAllowance.model ? "\(customer)\n\(product)" : nil
    }

    static func trialKey(_ request: LicenseRequest) -> String? { trialKey(request.model, request.customer, request.product) }

    /// The trials among `plans`, by ``trialKey(_:_:_:)``.
    static func trialCounts(_ plans: [LicensePlan]) -> [String: Int] {
        plans.reduce(into: [:]) { counts, plan in
            if let key = trialKey(plan.payload.model, plan.payload.customer, plan.payload.product) { counts[key, default: 0] += 1 }
        }
    }
}
