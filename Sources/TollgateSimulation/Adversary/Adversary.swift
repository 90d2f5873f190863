import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateWire

/// The cheats the scenario plants on agents, and their carrying out: each resolved to a node and
/// a moment, done with the agent's own key and store when the moment suits; what it forged goes
/// to the verifier (invariant 1), and the finding it must raise is looked for at the end (invariant 4).
final class Adversary {
    /// How long a cheat waits before trying again when the moment does not suit (node down, nothing to reuse yet).
    static let retry: Int64 = 30 * 60_000

    private let context: RunContext
    private let channel: Channel
    private let operators: Operators
    private let customers: CustomerSide
    private(set) var plants: [PlantedCheat] = []

    init(context: RunContext, channel: Channel, operators: Operators, customers: CustomerSide) {
        self.context = context
        self.channel = channel
        self.operators = operators
        self.customers = customers
    }

    private var now: Int64 { context.now }
    private var verifier: LicenseVerifier { customers.verifier }

    /// Resolves the scenario's plants (a random cheat, node and moment drawn now) and schedules them.
    func plant() {
        for plan in context.scenario.adversaries {
            let pool = Cheat.randomPool(floating: context.scenario.grantsFloating, trials: context.scenario.grantsTrials,
                                        metered: context.scenario.grantsMetered)
            let cheat = plan.cheat ?? pool[context.random.index(pool.count)]
            let time = context.time(in: plan.at)
            for index in channel.resolve(plan.node) {
                plants.append(PlantedCheat(node: index, cheat: cheat, at: time))
                channel[index].cheats.append(cheat)
                context.clock.schedule(.cheat(plants.count - 1), at: time)
            }
        }
    }

    /// The node plant `index` is on.
    func node(ofPlant index: Int) -> Int {
        plants[index].node
    }

    /// Carries out plant `index` on its agent, or schedules another try when the moment does not suit.
    func carryOut(_ index: Int) {
        guard context.clock.isWorkload else { return }
        var plant = plants[index]
        plant.attempts += 1
        let node = channel[plant.node]
        guard let live = node.node else {
            plants[index] = plant
            context.clock.schedule(.cheat(index), after: Self.retry)
            return
        }
        let agent = CheatingAgent(node: live, ids: node.ids)
        let local = node.clock(at: now)
        do {
            guard let detail = try commit(plant.cheat, agent: agent, node: node, live: live, at: local) else {
                plants[index] = plant
                context.clock.schedule(.cheat(index), after: Self.retry)
                return
            }
            plant.executedAt = now
            plant.detail = detail
            context.note("CHEAT \(node.name) \(plant.cheat.rawValue): \(detail)")
            context.record.planted(Timeline.Marker(node: node.index, time: now, label: plant.cheat.rawValue))
        } catch let error as NodeError where error.code != .storage {
            context.note("\(node.name) cannot cheat (\(plant.cheat.rawValue)) yet: \(error)")
            context.clock.schedule(.cheat(index), after: Self.retry)
        } catch let error as ServiceRefusal {
            // Judged where the call was made; the cheat waits for a better moment.
            context.note("\(node.name) cannot cheat (\(plant.cheat.rawValue)) yet: \(error)")
            context.clock.schedule(.cheat(index), after: Self.retry)
        } catch {
            context.unexpected(error, "planting \(plant.cheat.rawValue)", at: node)
        }
        plants[index] = plant
    }

    /// What the report says of each plant, given every finding stored at the end.
    func summaries(findings: [AuditFinding]) -> [SimulationReport.PlantSummary] {
        plants.map { plant in
            SimulationReport.PlantSummary(
                node: channel[plant.node].name, cheat: plant.cheat.rawValue, expected: plant.cheat.expectedFinding.rawValue,
                plantedAt: plant.executedAt,
                found: findings.contains { $0.node == channel[plant.node].keyID && $0.kind == plant.cheat.expectedFinding },
                detail: plant.detail)
        }
    }

    // MARK: The cheats

    /// The held certificate with the most room left, per the node's books.
    private func roomiest(_ node: SimulatedNode, _ live: LicensingNode) throws -> HeldCertificate? {
        let held = try live.heldCertificates()
        let ranked = node.books.entries.filter { !$0.retired }.sorted { $0.free > $1.free }
        for entry in ranked where entry.free > 4 {
            if let certificate = held.first(where: { $0.hash == entry.hash }) { return certificate }
        }
        return nil
    }

    /// Does the cheat; nil when it cannot be done yet.
    private func commit(_ cheat: Cheat, agent: CheatingAgent, node: SimulatedNode, live: LicensingNode, at local: Int64) throws -> String? {
        guard let held = try roomiest(node, live) else { return nil }
        func fresh(_ count: UInt64 = 1) throws -> SerialRange {
            let range = try agent.reserve(count, in: held, at: local)
            node.books.use(count, of: held.hash)
            return range
        }
        switch cheat {
        case .reuseSerials:
            // Serials it sold before (or, for a general agent, delegated), sold a second time.
            let sold = node.lineageSeats.values.sorted { $0.start < $1.start }
            let delegated = try live.delegatedCertificates().map(\.payload.seats)
            let allHeld = try live.heldCertificates()
            guard let seats = (sold + delegated).first(where: { seats in allHeld.contains { $0.payload.seats.contains(seats) } }),
                  let under = allHeld.first(where: { $0.payload.seats.contains(seats) }) else { return nil }
            let file = try agent.forgeLicense(under: under, seats: seats, at: local) { $0.customer = "second buyer" }
            return "sold \(seats) again: \(JWS.hash(of: file.license).prefix(8))"
        case .outsideCountries:
            let foreign = customers.destinations.first { !held.payload.countries.contains($0) } ?? "BR"
            let file = try agent.forgeLicense(under: held, seats: try fresh(), at: local) { $0.country = foreign; $0.territory = [foreign] }
            expectRejected(file, cheat: cheat, by: node)
            return "sold into \(foreign)"
        case .belowFloor:
            let file = try agent.forgeLicense(under: held, seats: try fresh(), at: local) { $0.price.amount = 10 }
            expectRejected(file, cheat: cheat, by: node)
            return "sold for \(ChannelTerms.currency) 10"
        case .backdate:
            let backdated = local - 3 * 86_400
            _ = try agent.forgeLicense(under: held, seats: try fresh(), at: local) { $0.iat = backdated; $0.nbf = backdated }
            return "sold now, dated three days back"
        case .forkLog:
            guard node.ackedOwn > 1, node.round == nil else { return nil }
            let index = node.ackedOwn - 1
            node.impostor = NodeExecutor(inline: try agent.fork(replacing: index, with: Array("rewritten by \(node.name)".utf8),
                                                                idSeed: context.random.next()))
            return "syncs a log rewritten at entry \(index)"
        case .hideIssuance:
            let file = try agent.forgeLicense(under: held, seats: try fresh(), at: local, hidden: true) { $0.customer = "off the books" }
            // Business goes on: the next sale on the books takes the log index the hidden one names.
            _ = try strawSale(node, live: live, under: held, at: local + 1)
            context.clock.schedule(.observe(Observation(license: file), attempt: 0), after: context.random.integer(in: Scenario.hour...(12 * Scenario.hour)))
            return "sold off the books (log index \(try SignedLicense(compact: file.license).payload.logIndex)); the customer shows the vendor"
        case .returnedQuota:
            let quotaReturn = try operators.returnTop(2, of: held.hash, at: node, live: live)
            // The returned serials are already out of the honest code's reach: no booking needed.
            let seats = SerialRange(quotaReturn.payload.seats.start, quotaReturn.payload.seats.start + 1)
            _ = try agent.forgeLicense(under: held, seats: seats, at: local + 1)
            return "returned \(quotaReturn.payload.seats), then sold \(seats)"
        case .activateAbroad:
            let (file, serial) = try strawSale(node, live: live, under: held, at: local)
            let territory = try SignedLicense(compact: file.license).payload.territory
            let abroad = customers.destinations.first { !territory.contains($0) } ?? "BR"
            let machine = try Ed25519PrivateKey(seed: context.random.bytes(32))
            let activation = try agent.forgeActivation(of: file, serial: serial, country: abroad, machine: machine.publicKey, at: local + 1)
            expectRejected(cheat, "\(node.name)'s activation in \(abroad), outside the territory") { () throws(VerificationError) in
                _ = try verifier.verify(file, at: context.trueSeconds, activation: activation.compact,
                                        machine: MachineIdentity(machineKey: activation.payload.machineKey))
            }
            return "activated serial \(serial) in \(abroad)"
        case .overActivate:
            let (file, serial) = try strawSale(node, live: live, under: held, at: local)
            _ = try strawActivation(of: file, at: node, in: held.payload.countries[0])
            let second = try Ed25519PrivateKey(seed: context.random.bytes(32))
            _ = try agent.forgeActivation(of: file, serial: serial, country: held.payload.countries[0], machine: second.publicKey, at: local + 1)
            return "put a second machine on serial \(serial)"
        case .activateRevoked:
            let (file, serial) = try strawSale(node, live: live, under: held, at: local)
            let revocation = try operators.revokeLicense(JWS.hash(of: file.license), reason: .chargeback, at: node)
            let machine = try Ed25519PrivateKey(seed: context.random.bytes(32))
            let activation = try agent.forgeActivation(of: file, serial: serial, country: held.payload.countries[0], machine: machine.publicKey,
                                                       at: max(local, revocation.payload.effective) + 60)
            // Checked from the moment the activation claims on: the cheater's clock may run ahead of true time.
            expectRejected(cheat, "\(node.name)'s activation of a license it revoked") { () throws(VerificationError) in
                _ = try verifier.verify(file, at: max(context.trueSeconds, activation.payload.iat), revocations: [revocation.compact],
                                        activation: activation.compact,
                                        machine: MachineIdentity(machineKey: activation.payload.machineKey))
            }
            return "revoked license \(JWS.hash(of: file.license).prefix(8)) (chargeback), then activated serial \(serial)"
        case .upgradeBelowFloor:
            // An honest sale of export alone, then an "upgrade" adding render for nothing: the
            // offline verifier cannot tell (the price is a difference); the audit holds both.
            let (file, _) = try strawSale(node, live: live, under: held, at: local, features: ["export"])
            let base = try SignedLicense(compact: file.license)
            _ = try agent.forgeLicense(under: held, seats: base.payload.seats, at: local + 1) {
                $0.customer = base.payload.customer
                $0.product = base.payload.product
                $0.features = ["export", "render"]
                $0.price.amount = 0
                $0.supersedes = base.hash
                $0.renews = base.hash
            }
            return "upgraded license \(base.hash.prefix(8)) to render for \(ChannelTerms.currency) 0, below render's feature floor"
        case .overLease:
            // An honest floating sale of one serial and an honest lease of it through the lease
            // server; then a lease of the same serial for a second machine, signed and logged
            // behind the lease server's back while the first is in force.
            let (file, serial) = try strawSale(node, live: live, under: held, at: local, model: FloatingTerms.model)
            let lineage = JWS.hash(of: file.license)
            let desk = customers.desk(of: node)
            var first = desk.machine(in: held.payload.countries[0])
            let request = try first.request(.lease, license: lineage, at: context.trueSeconds, nonce: desk.nonce())
            let honest = try SignedLease(compact: try desk.leaseCall(request, "the straw customer's lease").lease)
            node.acknowledged.append(.lease(hash: honest.hash))
            let second = try Ed25519PrivateKey(seed: context.random.bytes(32))
            let forged = try agent.forgeLease(of: lineage, serial: serial, machine: second.publicKey, at: max(local, honest.payload.nbf) + 1,
                                              length: honest.payload.exp - honest.payload.nbf)
            // The floating-seat invariant reads what the two machines hold: a cheater taken for
            // honest fails it (the audit's finding is invariant 4's).
            var book = LeaseBook(license: lineage, seats: 1)
            for lease in [honest, forged] {
                let broken = book.acknowledge(lease)
                if context.options.hideCheatersFromChecker {
                    context.checker.check(.withinCertificates, broken == nil, "\(node.name) over-leased the straw customer's floating license: \(broken ?? "")")
                }
            }
            return "leased serial \(serial) of \(lineage.prefix(8)) to a second machine (lease \(forged.hash.prefix(8)))"
        case .trialsBeyondCount:
            // An honest free trial for the straw customer, the one its certificate allows; then
            // another for the same customer and product, signed and logged past the node's count.
            guard let allowance = held.payload.trials else { return nil }
            let (file, _) = try strawSale(node, live: live, under: held, at: local, model: TrialAllowance.model)
            let first = try SignedLicense(compact: file.license).payload
            var last = first.seats
            for _ in 0..<allowance.perCustomer {
                let forged = try agent.forgeLicense(under: held, seats: try fresh(), at: local + 1) {
                    $0.customer = first.customer
                    $0.product = first.product
                    $0.features = first.features
                    $0.model = TrialAllowance.model
                    $0.price.amount = 0
                    $0.exp = local + 1 + allowance.seconds
                }
                last = try SignedLicense(compact: forged.license).payload.seats
            }
            return "gave \(first.customer) \(allowance.perCustomer + 1) free trials of \(first.product) (the last \(last)); "
                + "the certificate allows \(allowance.perCustomer)"
        case .dropUsage:
            // An honest metered sale and activation; the machine's first usage record is taken and
            // receipted, but never logged: the next sale on the books takes the log index the
            // receipt names. The customer shows the vendor the receipt.
            let (file, _) = try strawSale(node, live: live, under: held, at: local, model: License.meteredModel)
            let lineage = JWS.hash(of: file.license)
            let (machine, activation) = try strawActivation(of: file, at: node, in: held.payload.countries[0])
            node.acknowledged.append(.activation(hash: activation.hash))
            let made = try machine.made()
            let record = try SignedUsageRecord.sign(UsageRecord(license: lineage, machineKey: made.machineKey, seq: 1, prev: activation.hash,
                                                                feature: ChannelTerms.meteredFeature, units: 10, iat: context.trueSeconds), with: made.key)
            let receipt = try agent.forgeUsageReceipt(for: record, at: local + 1)
            _ = try strawSale(node, live: live, under: held, at: local + 2)
            context.clock.schedule(.observe(Observation(kind: .usageReceipt, object: receipt.compact, license: file), attempt: 0),
                                   after: context.random.integer(in: Scenario.hour...(12 * Scenario.hour)))
            return "receipted usage record \(record.hash.prefix(8)) of \(lineage.prefix(8)) at log index \(receipt.payload.logIndex) "
                + "and left it out of its log; the customer shows the vendor the receipt"
        }
    }

    /// Invariant 1 for a cheat's forged object: the honest verifier refuses `what`, with the rule the
    /// cheat names.
    private func expectRejected(_ cheat: Cheat, _ what: String, _ verify: () throws(VerificationError) -> Void) {
        do {
            try verify()
            context.checker.fail(.verifierSound, "the verifier accepts \(what)")
        } catch {
            context.checker.check(.verifierSound, error.rule == cheat.rejectedBy,
                                  "the verifier rejects \(what) with \(error.rule), expected \(cheat.rejectedBy?.rawValue ?? "-")")
        }
    }

    /// An honest one-seat sale the cheater then abuses.
    private func strawSale(_ node: SimulatedNode, live: LicensingNode, under held: HeldCertificate, at local: Int64,
                           features: [String]? = nil, model: String = "perpetual") throws -> (LicenseFile, UInt64) {
        let country = held.payload.countries[0]
        var request = LicenseRequest(customer: "straw-\(node.name)", country: country, product: held.payload.products.keys.sorted()[0],
                                     model: model, price: Price(currency: ChannelTerms.currency, amount: ChannelTerms.regionalFloor + 500))
        request.certificateHash = held.hash
        request.features = features
        if model == FloatingTerms.model { request.exp = local + 30 * 86_400 }
        if model == License.meteredModel {
            request.product = "cad"
            request.features = ChannelTerms.products["cad"]
            request.metering = ChannelTerms.metering(allowance: 100)
            request.exp = local + 30 * 86_400
        }
        if model == TrialAllowance.model, let trials = held.payload.trials {
            // A free trial, as long as the certificate allows.
            request.price.amount = 0
            request.exp = local + trials.seconds
        }
        let desk = customers.desk(of: node)
        let file = try desk.call(.issueLicense, body: node.service?.body(request) ?? [], expecting: .created, "a straw sale") { try LicenseFile(data: $0) }
        node.books.use(1, of: held.hash)
        guard let verified = desk.delivered(file, by: node, what: "straw license") else {
            throw NodeError(.invalidRequest, "the straw license does not verify")
        }
        desk.recordLicense(verified, by: node)
        node.stats.issued += 1
        return (file, verified.license.payload.seats.start)
    }

    /// An honest online activation of the straw customer's license for a new machine in `country`.
    private func strawActivation(of file: LicenseFile, at node: SimulatedNode, in country: String) throws -> (CustomerMachine, SignedActivation) {
        let desk = customers.desk(of: node)
        var machine = desk.machine(in: country)
        let request = try machine.request(.activate, license: JWS.hash(of: file.license), at: context.trueSeconds, nonce: desk.nonce())
        return (machine, try SignedActivation(compact: try desk.machineCall(request, "the straw customer's activation").activation))
    }

    /// A forged license that breaks a rule the offline verifier checks must be rejected, naming that rule.
    private func expectRejected(_ file: LicenseFile, cheat: Cheat, by node: SimulatedNode) {
        do {
            _ = try verifier.verify(file, at: context.trueSeconds)
            context.checker.fail(.verifierSound, "the verifier accepts \(node.name)'s forged license (\(cheat.rawValue))")
        } catch {
            context.checker.check(.verifierSound, error.rule == cheat.rejectedBy,
                                  "the verifier rejects \(node.name)'s \(cheat.rawValue) license with \(error.rule), expected \(cheat.rejectedBy?.rawValue ?? "-")")
        }
    }
}
