import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateWire

extension CustomerDesk {
    /// How often a customer tries again after the agent was down or refused for a passing reason.
    static let customerAttempts = 5

    func customerStep(_ id: Int, _ step: CustomerStep) {
        guard open else { return }
        guard agent.isUp else {
            agent.stats.unavailable += 1
            note("\(customers[id].name) finds \(agent.name) down")
            if let retry = Self.retry(step) { schedule(id, retry, after: random.integer(in: (30 * Scenario.minute)...(90 * Scenario.minute))) }
            return
        }
        switch step {
        case .buy(let attempt): buy(id, attempt: attempt, at: agent)
        case .activate(let machine, let attempt): activate(id, machine: machine, attempt: attempt, offlineSince: nil, at: agent)
        case .activateOffline(let machine, let madeAt): activate(id, machine: machine, attempt: 0, offlineSince: madeAt, at: agent)
        case .rehost(let attempt): rehost(id, attempt: attempt, at: agent)
        case .travel: travel(id, at: agent)
        case .emergency: emergency(id, at: agent)
        case .renewal(let attempt): renewal(id, attempt: attempt, at: agent)
        case .lapsed: lapsed(id, at: agent)
        case .lease(let machine, let attempt): lease(id, machine: machine, attempt: attempt, at: agent)
        case .heartbeat(let machine): heartbeat(id, machine: machine, at: agent)
        case .release(let machine): release(id, machine: machine, at: agent)
        case .meter(let machine): meter(id, machine: machine, at: agent)
        }
    }

    /// The same step tried again, or nil once it has been tried often enough.
    static func retry(_ step: CustomerStep) -> CustomerStep? {
        switch step {
        case .buy(let attempt): attempt + 1 < customerAttempts ? .buy(attempt: attempt + 1) : nil
        case .activate(let machine, let attempt): attempt + 1 < customerAttempts ? .activate(machine: machine, attempt: attempt + 1) : nil
        case .rehost(let attempt): attempt + 1 < customerAttempts ? .rehost(attempt: attempt + 1) : nil
        case .renewal(let attempt): attempt + 1 < customerAttempts ? .renewal(attempt: attempt + 1) : nil
        case .lease(let machine, let attempt): attempt + 1 < customerAttempts ? .lease(machine: machine, attempt: attempt + 1) : nil
        case .activateOffline, .travel, .emergency, .lapsed, .heartbeat, .release, .meter: step
        }
    }

    func nonce() -> String {
        Base64URL.encode(random.bytes(16))
    }

    /// A new machine of a customer, its key drawn from the desk's stream: made on the workshop's
    /// thread when the step that first uses it comes later (`first` is that step's request), else now.
    func machine(in country: String, first: PreparedMachine.FirstRequest? = nil) -> CustomerMachine {
        let seed = random.bytes(32)
        let prepared = first == nil ? workshop.makeNow(country: country, seed: seed)
                                    : workshop.prepare(country: country, seed: seed, first: first)
        return CustomerMachine(prepared: prepared)
    }

    /// The activation request a machine installed now will send `delay` from now.
    private func firstActivation(of lineage: String, after delay: Int64) -> PreparedMachine.FirstRequest {
        PreparedMachine.FirstRequest(action: .activate, license: lineage, activation: nil, at: agent.epoch + (now + max(0, delay)) / 1_000,
                                     nonce: nonce())
    }

    /// Simulated time at which a node's Unix time `seconds` comes round (ignoring skew).
    private func simulatedTime(of seconds: Int64) -> Int64 {
        (seconds - agent.epoch) * 1_000
    }

    /// A refusal is a normal outcome: counted, traced, and retried when it may pass (a storage
    /// failure is judged where the call was made, ``call(_:parameters:body:expecting:_:read:)``).
    func refused(_ id: Int, _ error: ServiceRefusal, by agent: SimulatedNode, doing what: String, retry: CustomerStep?, after delay: Int64) {
        agent.stats.refuse(error.problem)
        note("\(agent.name) refuses \(what) for \(customers[id].name): \(error)")
        if let retry { schedule(id, retry, after: delay) }
    }

    // MARK: Buying

    private func buy(_ id: Int, attempt: Int, at agent: SimulatedNode) {
        var customer = customers[id]
        // Drawn only when the scenario sells floating seats, so a run without them is the run it always was.
        let floating = scenario.floatingShare > 0 && random.chance(scenario.floatingShare)
        // Likewise metered use, drawn only when the scenario sells it.
        let metered = !floating && scenario.meteredShare > 0 && random.chance(scenario.meteredShare)
        let draw = random.unit()
        let model = floating ? FloatingTerms.model : metered ? License.meteredModel
            : draw < scenario.trialShare ? "trial" : draw < scenario.trialShare + scenario.subscriptionShare ? "subscription" : "perpetual"
        let drawnSeats = UInt64(random.integer(in: 1...Int64(scenario.maxSeats)))
        let seats = floating ? scenario.floatingSeats : drawnSeats
        let local = agent.clock(at: now)
        var request = LicenseRequest(customer: customer.name, country: customer.country, product: random.chance(0.7) ? "cad" : "cam",
                                     model: model, price: Price(currency: ChannelTerms.currency, amount: ChannelTerms.regionalFloor + random.integer(in: 0...1_800)),
                                     seatCount: seats)
        request.territory = random.chance(scenario.wideTerritoryShare) ? agent.countries : [customer.country]
        if metered {
            // Render is what is metered: a CAD license, 1.5 times the allowance at most, each unit over it billed.
            request.product = "cad"
            request.features = ChannelTerms.products["cad"]
            request.metering = Metering(allowance: [MeteredFeature(feature: ChannelTerms.meteredFeature, units: scenario.meteredAllowance)],
                                        unitPrice: Price(currency: ChannelTerms.currency, amount: ChannelTerms.meteredUnitPrice),
                                        overage: .allow(percent: 150))
        }
        switch model {
        case "subscription": request.exp = local + scenario.subscriptionTermSeconds
        case "trial": request.exp = local + scenario.trialTermSeconds
        // A floating license must end (its leases end by it): sold for a subscription's term, not
        // renewed; so is a metered one, billed month by month meanwhile.
        case FloatingTerms.model, License.meteredModel: request.exp = local + scenario.subscriptionTermSeconds
        default: break
        }
        guard let entry = agent.books.certificate(for: seats) else {
            agent.stats.refuse("no_quota")
            note("\(agent.name) has no quota left for \(customer.name)")
            requestTopUp()
            if attempt + 1 < Self.customerAttempts { schedule(id, .buy(attempt: attempt + 1), after: 6 * Scenario.hour) }
            return
        }
        request.certificateHash = entry.hash
        let file: LicenseFile
        do {
            file = try call(.issueLicense, body: agent.service?.body(request) ?? [], expecting: .created, "a sale for \(customer.name)") {
                try LicenseFile(data: $0)
            }
        } catch {
            if error.means(.quotaExhausted) { agent.books.use(entry.free, of: entry.hash) }
            // A storage failure kept nothing: the customer comes back as after any passing refusal.
            let passing = [NodeError.Code.syncOverdue, .quotaExhausted, .noCertificate].contains(where: error.means) || error.isStorage
            refused(id, error, by: agent, doing: "a sale", retry: passing ? Self.retry(.buy(attempt: attempt)) : nil,
                    after: error.means(.quotaExhausted) ? Scenario.minute : 6 * Scenario.hour)
            return
        }
        agent.books.use(seats, of: entry.hash)
        if agent.books.free < scenario.topUpBelow { requestTopUp() }
        guard let verified = delivered(file, by: agent, what: "license for \(customer.name)") else { return }
        recordLicense(verified, by: agent)
        agent.stats.issued += 1
        customer.file = wallet(file, expires: verified.license.payload.exp)
        customer.lineage = verified.license.hash
        customer.model = model
        customer.seats = seats
        customer.territory = verified.license.payload.territory
        customer.expires = verified.license.payload.exp
        customer.purchases.append(RevenueSale(verified.license, node: agent.keyID, index: 0))
        note("\(agent.name) sells \(seats) \(model) seat(s) \(verified.license.payload.seats) to \(customer.name)")
        if floating {
            customers[id] = customer
            formTeam(id, license: verified.license)
            return
        }
        let count = Int(random.integer(in: 1...Int64(seats)))
        for index in 0..<count {
            let install = Int64(random.exponential(mean: Double(2 * Scenario.hour)))
            let first = firstActivation(of: verified.license.hash, after: install)
            customer.machines.append(machine(in: customer.country, first: first))
            if random.chance(scenario.offlineShare) {
                let carried = random.integer(in: Scenario.hour...(2 * Scenario.day))
                schedule(id, .activateOffline(machine: index, madeAt: first.at), after: install + carried)
            } else {
                schedule(id, .activate(machine: index, attempt: 0), after: install)
            }
        }
        customers[id] = customer
        planLater(id, file: file)
    }

    /// After a sale: maybe a rehost, a trip abroad, a failed machine, a visit to the vendor, and
    /// the renewal decision for a subscription.
    func planLater(_ id: Int, file: LicenseFile) {
        let remaining = scenario.duration - now
        guard remaining > Scenario.day else { return }
        func later() -> Int64 { random.integer(in: (Scenario.day / 2)...remaining) }
        if random.chance(scenario.rehostShare) { schedule(id, .rehost(attempt: 0), after: later()) }
        if random.chance(scenario.travelShare), let lineage = customers[id].lineage {
            // The trip is planned now: where to, and the machine taken along with its request.
            let delay = later()
            let country = destinations[random.index(destinations.count)]
            customers[id].travelMachine = machine(in: country, first: firstActivation(of: lineage, after: delay))
            schedule(id, .travel, after: delay)
        }
        if random.chance(scenario.emergencyShare) { schedule(id, .emergency, after: later()) }
        if random.chance(scenario.observeShare) { post(.observe(file, attempt: 0), after: later()) }
        if let expires = customers[id].expires {
            let decision = simulatedTime(of: expires) - random.integer(in: Scenario.hour...Scenario.day)
            if decision < scenario.duration { schedule(id, .renewal(attempt: 0), at: decision) }
        }
    }

    // MARK: Activations

    private func activate(_ id: Int, machine index: Int, attempt: Int, offlineSince: Int64?, at agent: SimulatedNode) {
        guard let lineage = customers[id].lineage, index < customers[id].machines.count,
              customers[id].machines[index].activation == nil, !customers[id].machines[index].retired else { return }
        let machine = customers[id].machines[index]
        let what = offlineSince == nil ? "an activation" : "an offline activation"
        do {
            let request = try customers[id].machines[index].request(.activate, license: lineage, at: offlineSince ?? trueSeconds, nonce: nonce())
            let receipt = try machineCall(request, offline: offlineSince != nil, what)
            guard let activation = delivered(receipt.license, activation: receipt.activation, machine: try machine.made(), by: agent,
                                             what: "activation for \(customers[id].name)") else { return }
            customers[id].machines[index].activation = activation.hash
            customers[id].activated = true
            if customers[id].model == License.meteredModel { startMeter(id, machine: index, license: receipt.license, activation: activation.hash) }
            customers[id].file = wallet(receipt.license, expires: customers[id].expires)
            agent.stats.activated += 1
            agent.acknowledged.append(.activation(hash: activation.hash))
            note("\(agent.name) activates serial \(activation.payload.serial) for \(customers[id].name) in \(machine.country)\(offlineSince == nil ? "" : " (offline)")")
        } catch let error as ServiceRefusal {
            let passing = error.means(.seatsInUse) || error.isStorage
            refused(id, error, by: agent, doing: what,
                    retry: passing && offlineSince == nil ? Self.retry(.activate(machine: index, attempt: attempt)) : nil,
                    after: Scenario.day)
        } catch {
            unexpected(error, "signing a machine request")
        }
    }

    /// Moves a seat: the old machine signs its deactivation (the proof), then a new machine activates.
    private func rehost(_ id: Int, attempt: Int, at agent: SimulatedNode) {
        guard let lineage = customers[id].lineage,
              let index = customers[id].machines.firstIndex(where: { $0.activation != nil && !$0.retired }),
              let activation = customers[id].machines[index].activation else { return }
        let old = customers[id].machines[index]
        do {
            let request = try customers[id].machines[index].request(.deactivate, license: lineage, activation: activation, at: trueSeconds,
                                                                    nonce: nonce())
            let receipt = try machineCall(request, "a deactivation")
            let deactivation = try SignedDeactivation(compact: receipt.activation)
            checker.check(.verifierSound, deactivation.payload.activation == activation && deactivation.jws.isSigned(by: agent.identity.key.publicKey),
                          "\(agent.name) answered a deactivation of \(activation.prefix(8)) with an object that does not prove it")
            customers[id].machines[index].retired = true
            agent.stats.deactivated += 1
            agent.acknowledged.append(.deactivation(activation: activation))
            let delay = random.integer(in: Scenario.minute...Scenario.hour)
            customers[id].machines.append(machine(in: old.country, first: firstActivation(of: lineage, after: delay)))
            note("\(agent.name) deactivates serial \(deactivation.payload.serial) of \(customers[id].name) (rehost)")
            schedule(id, .activate(machine: customers[id].machines.count - 1, attempt: 0), after: delay)
        } catch let error as ServiceRefusal {
            refused(id, error, by: agent, doing: "a deactivation", retry: nil, after: 0)
        } catch {
            unexpected(error, "rehosting")
        }
    }

    /// A new machine abroad: inside the territory it may activate, outside an honest agent refuses.
    private func travel(_ id: Int, at agent: SimulatedNode) {
        guard customers[id].lineage != nil, let traveller = customers[id].travelMachine else { return }
        customers[id].travelMachine = nil
        let country = traveller.country
        customers[id].machines.append(traveller)
        let index = customers[id].machines.count - 1
        note("\(customers[id].name) travels to \(country)")
        activate(id, machine: index, attempt: Self.customerAttempts, offlineSince: nil, at: agent)
        let inside = customers[id].territory.contains(country)
        checker.check(.verifierSound, inside || customers[id].machines[index].activation == nil,
                      "\(agent.name) activated \(customers[id].name) in \(country), outside the territory \(customers[id].territory)")
    }

    /// A machine failed: a stand-in machine gets a temporary activation for the failed one's seat.
    private func emergency(_ id: Int, at agent: SimulatedNode) {
        guard let lineage = customers[id].lineage,
              let index = customers[id].machines.firstIndex(where: { $0.activation != nil && !$0.retired }),
              let failed = customers[id].machines[index].activation else { return }
        do {
            var standIn = machine(in: customers[id].machines[index].country)
            let request = try standIn.request(.emergency, license: lineage, activation: failed, at: trueSeconds, nonce: nonce())
            let receipt = try machineCall(request, "an emergency activation")
            guard let activation = delivered(receipt.license, activation: receipt.activation, machine: try standIn.made(), by: agent,
                                             what: "emergency activation for \(customers[id].name)") else { return }
            checker.check(.verifierSound, activation.payload.kind == .temporary && activation.payload.exp != nil,
                          "\(agent.name)'s emergency activation for \(customers[id].name) is not temporary")
            customers[id].machines[index].retired = true
            customers[id].emergencies += 1
            agent.stats.emergencies += 1
            agent.acknowledged.append(.activation(hash: activation.hash))
            note("\(agent.name) stands in for serial \(activation.payload.serial) of \(customers[id].name) until \(activation.payload.exp ?? 0)")
        } catch let error as ServiceRefusal {
            refused(id, error, by: agent, doing: "an emergency activation", retry: nil, after: 0)
        } catch {
            unexpected(error, "an emergency activation")
        }
    }

    // MARK: Subscriptions

    private func renewal(_ id: Int, attempt: Int, at agent: SimulatedNode) {
        guard let lineage = customers[id].lineage, let expires = customers[id].expires else { return }
        guard customers[id].model == "subscription", random.chance(scenario.renewShare) || attempt > 0 else {
            note("\(customers[id].name) lets its \(customers[id].model) lapse")
            scheduleLapse(id, at: simulatedTime(of: expires) + Scenario.hour)
            return
        }
        let file: LicenseFile
        do {
            let body = agent.service?.body(APIBodies.RenewalBody(exp: expires + scenario.subscriptionTermSeconds, price: nil)) ?? []
            file = try call(.renewLicense, parameters: ["hash": lineage], body: body, expecting: .created, "a renewal") { try LicenseFile(data: $0) }
        } catch {
            let retry = error.means(.syncOverdue) || error.isStorage ? Self.retry(.renewal(attempt: attempt)) : nil
            refused(id, error, by: agent, doing: "a renewal", retry: retry, after: 6 * Scenario.hour)
            if retry == nil { scheduleLapse(id, at: simulatedTime(of: expires) + Scenario.hour) }
            return
        }
        guard let verified = delivered(file, by: agent, what: "renewal for \(customers[id].name)") else { return }
        recordLicense(verified, by: agent)
        agent.stats.renewed += 1
        customers[id].expires = verified.license.payload.exp
        customers[id].file = wallet(file, expires: customers[id].expires)
        customers[id].purchases.append(RevenueSale(verified.license, node: agent.keyID, index: UInt64(customers[id].purchases.count)))
        note("\(agent.name) renews \(customers[id].name) until \(verified.license.payload.exp ?? 0)")
        if let next = verified.license.payload.exp {
            let decision = simulatedTime(of: next) - random.integer(in: Scenario.hour...Scenario.day)
            if decision < scenario.duration { schedule(id, .renewal(attempt: 0), at: decision) }
        }
    }

    /// The license will run out: an hour after its end the customer's software checks it and a new
    /// machine, installed now, asks for a seat.
    private func scheduleLapse(_ id: Int, at time: Int64) {
        guard let lineage = customers[id].lineage else { return }
        let delay = time - now
        customers[id].lateMachine = machine(in: customers[id].country, first: firstActivation(of: lineage, after: delay))
        schedule(id, .lapsed, after: delay)
    }

    /// The license ran out: the customer's software must find it expired, and the agent must not
    /// activate a new machine on it.
    private func lapsed(_ id: Int, at agent: SimulatedNode) {
        guard let file = customers[id].file, let lineage = customers[id].lineage else { return }
        do {
            _ = try verifier.verify(file, at: trueSeconds)
            checker.fail(.verifierSound, "the verifier accepts \(customers[id].name)'s license after it expired")
        } catch {
            checker.check(.verifierSound, error.rule == .expired, "\(customers[id].name)'s lapsed license fails with \(error.rule), not expired")
        }
        do {
            var late = customers[id].lateMachine ?? machine(in: customers[id].country)
            let request = try late.request(.activate, license: lineage, at: trueSeconds, nonce: nonce())
            let receipt = try machineCall(request, "a lapsed license's activation")
            checker.fail(.verifierSound, "\(agent.name) activated \(customers[id].name)'s lapsed license: \(receipt.activation.prefix(24))…")
        } catch let error as ServiceRefusal where !error.isStorage {
            checker.check(.verifierSound, error.breaks(.expired) || error.breaks(.activationExpired),
                          "\(agent.name) refused a lapsed license with \(error.problem), not as expired")
            agent.stats.refuse(error.problem)
            note("\(agent.name) refuses \(customers[id].name)'s lapsed license")
        } catch let error as ServiceRefusal {
            agent.stats.refuse(error.problem)
            note("\(agent.name) cannot store the answer to \(customers[id].name)'s lapsed license: \(error)")
        } catch {
            unexpected(error, "a lapsed license")
        }
    }
}
