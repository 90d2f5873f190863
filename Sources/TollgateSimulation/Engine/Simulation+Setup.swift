import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateWire

extension Simulation {
    /// Country sets of the general agents, in order; regional agents get two countries of theirs.
    static let countrySets = [["AT", "CH", "DE"], ["BE", "FR", "LU"], ["CA", "MX", "US"], ["JP", "KR", "SG"],
                              ["AD", "ES", "PT"], ["IT", "MT", "SM"], ["GB", "IE", "IM"], ["AU", "FJ", "NZ"]]
    static let products = ["cad": ["export", "render"], "cam": ["post"]]
    static let models = ["perpetual", "subscription", "trial"]
    static let currency = "EUR"
    static let generalFloor: Int64 = 1_000
    static let regionalFloor: Int64 = 1_200

    /// Builds the tree (root, general agents, regional agents), hands out the first certificates
    /// and schedules the workload, the faults and the cheats.
    func build(rootKey: Ed25519PrivateKey) throws {
        try checkReferences()
        let syncSchedule = SyncSchedule(interval: scenario.syncIntervalSeconds, initialBackoff: 2,
                                    maxBackoff: max(60, min(600, scenario.syncIntervalSeconds)))
        func add(_ name: String, _ role: SimulatedNode.Role, parent: Int?, key: Ed25519PrivateKey, countries: [String]) throws {
            let node = try SimulatedNode(index: nodes.count, name: name, role: role, parent: parent, key: key, anchor: anchor,
                                         countries: countries, epoch: epoch, idSeed: random.next(), operatorToken: Base64URL.encode(random.bytes(24)),
                                         transcript: transcriptRecorder,
                                         schedule: syncSchedule, signatures: verifiedSignatures)
            if let parent { nodes[parent].children.append(node.index) }
            transcriptRecorder?.add(ChannelTranscript.Node(name: name, parent: parent.map { nodes[$0].name },
                                                           subjectKey: Base64URL.encode(key.publicKey.rawRepresentation), keyID: node.keyID))
            nodeByKey[node.keyID] = node.index
            nodes.append(node)
        }
        try add("root", .root, parent: nil, key: rootKey, countries: Self.countrySets.flatMap { $0 })
        for general in 0..<scenario.generals {
            try add("g\(general + 1)", .general, parent: 0, key: try Ed25519PrivateKey(seed: random.bytes(32)),
                    countries: Self.countrySets[general % Self.countrySets.count])
        }
        for regional in 0..<scenario.regionals {
            let general = 1 + regional / scenario.regionalsPerGeneral
            let set = nodes[general].countries
            let position = regional % scenario.regionalsPerGeneral
            try add("r\(regional + 1)", .regional, parent: general, key: try Ed25519PrivateKey(seed: random.bytes(32)),
                    countries: [set[position % set.count], set[(position + 1) % set.count]].sorted())
        }
        destinations = Set(nodes[0].countries + ["BR", "IN", "ZA"]).sorted()
        delegatedFrom = Array(repeating: [:], count: nodes.count)
        returnsTaken = Array(repeating: [], count: nodes.count)
        network = SimulatedNetwork(parent: nodes.map(\.parent), faults: network.faults)
        timeline.nodes = nodes.map(\.name)
        timeline.roles = nodes.map(\.role.rawValue)
        timeline.lag = Array(repeating: [], count: nodes.count)
        timeline.syncWithinSeconds = scenario.syncWithinSeconds

        setClocks()
        for node in nodes.dropFirst() { try delegateFirstCertificate(to: node) }
        for node in nodes.dropFirst() {
            scheduleSync(node, after: random.integer(in: 0...(scenario.syncIntervalSeconds * 1_000)))
        }
        scheduleCustomers()
        scheduleOperators()
        scheduleFaults()
        schedulePlants()
        if scenario.auditEvery > 0 {
            var time = scenario.auditEvery
            while time < scenario.duration + scenario.quiet {
                schedule(.audit, at: time)
                time += scenario.auditEvery
            }
        }
        let sampleEvery = max(Scenario.minute, (scenario.duration + scenario.quiet) / 400)
        var time: Int64 = 0
        while time <= scenario.duration + scenario.quiet {
            schedule(.sample, at: time)
            time += sampleEvery
        }
        schedule(.workloadEnd, at: scenario.duration)
    }

    /// Every node a scenario names must exist in its channel.
    private func checkReferences() throws {
        var names: [Scenario.NodeReference] = scenario.partitions.map(\.node) + scenario.flaps.map(\.node) + scenario.crashes.map(\.node)
        names += scenario.crashLoops.map(\.node) + scenario.skews.map(\.node) + scenario.jumps.map(\.node) + scenario.adversaries.map(\.node)
        let existing = Set(["root"] + (1...scenario.generals).map { "g\($0)" } + (1...max(1, scenario.regionals)).map { "r\($0)" })
        for case .named(let name) in names where !existing.contains(name) {
            throw ScenarioError(.unknownNode, "node \(name) does not exist: the channel has root, g1…g\(scenario.generals), r1…r\(scenario.regionals)",
                                path: scenario.path ?? scenario.name)
        }
        for plant in scenario.adversaries where plant.node == .named("root") {
            throw ScenarioError(.invalidValue, "cheats are planted on agents, not on the root", path: scenario.path ?? scenario.name)
        }
    }

    private func setClocks() {
        for node in nodes where scenario.randomSkewSeconds > 0 {
            node.skewSeconds = random.integer(in: -scenario.randomSkewSeconds...scenario.randomSkewSeconds)
        }
        for skew in scenario.skews {
            for index in resolve(skew.node) { nodes[index].skewSeconds = skew.seconds }
        }
    }

    /// The operator set-up: the root's certificate for each general agent, each general agent's for
    /// its regional agents, installed by the child's operator (as by file), each through its node's API.
    private func delegateFirstCertificate(to node: SimulatedNode) throws {
        guard let parentIndex = node.parent else { return }
        let parent = nodes[parentIndex]
        let seats = node.role == .general ? scenario.generalSeats : scenario.regionalSeats
        let request = delegationRequest(for: node, seats: seats, parentHash: parent.books.certificate(for: seats)?.hash)
        let chain = try call(.delegate, at: parent, body: body(request, for: parent), expecting: .created, "delegating \(node.name)'s first certificate",
                             as: CertificateChain.self)
        _ = try call(.acceptCertificate, at: node, body: body(APIBodies.ChainBody(chain: chain.chain), for: node), expecting: .created,
                     "installing its first certificate", as: APIBodies.HeldCertificateBody.self)
        recordDelegation(chain, by: parent, to: node)
        try takeCertificates([chain.chain], into: node)
    }

    /// What the parent delegates to `node`: the root sets every limit; a general agent narrows the
    /// countries to the regional agent's and raises the price floor.
    func delegationRequest(for node: SimulatedNode, seats: UInt64, parentHash: String?) -> DelegationRequest {
        var request = DelegationRequest(subject: node.name, subjectKey: Base64URL.encode(node.identity.key.publicKey.rawRepresentation))
        request.count = seats
        request.parentHash = parentHash
        request.syncWithin = scenario.syncWithinSeconds
        request.countries = node.countries
        if node.role == .general {
            request.products = Self.products
            request.models = Self.models
            request.priceFloor = [Self.currency: Self.generalFloor]
            request.depth = 2
            request.nbf = epoch - 30 * 86_400
            request.exp = epoch + 365 * 86_400
        } else {
            request.priceFloor = [Self.currency: Self.regionalFloor]
        }
        return request
    }

    /// A desk per node, each with a stream of its own; customers arrive uniformly over the
    /// workload, each at a random regional agent's desk.
    private func scheduleCustomers() {
        desks = nodes.map {
            CustomerDesk(agent: $0, scenario: scenario, destinations: destinations, verifier: verifier, workshop: workshop,
                         customerVerifier: customerVerifier, random: random.fork(), traceCapacity: options.traceCapacity)
        }
        let regionals = nodes.filter { $0.role == .regional }.map(\.index)
        for id in 0..<scenario.customers {
            let desk = desks[regionals[random.index(regionals.count)]]
            let countries = desk.agent.countries
            desk.customers.append(Customer(id: id, country: countries[random.index(countries.count)]))
            let arrival = random.integer(in: 0...max(0, scenario.duration - Scenario.hour))
            desk.schedule(desk.customers.count - 1, .buy(attempt: 0), at: arrival)
        }
    }

    private func scheduleOperators() {
        for (rate, event) in [(scenario.quotaReturnsPerDay, SimulationEvent.quotaReturn), (scenario.revocationsPerDay, .revocation)] where rate > 0 {
            var time: Int64 = 0
            while true {
                time += Int64(random.exponential(mean: Double(Scenario.day) / rate))
                guard time < scenario.duration else { break }
                schedule(event, at: time)
            }
        }
    }

    /// The nodes a reference stands for (a random one drawn from the run's stream).
    func resolve(_ reference: Scenario.NodeReference) -> [Int] {
        func pick(_ role: SimulatedNode.Role?) -> [Int] {
            let candidates = nodes.filter { role == nil ? $0.role != .root : $0.role == role }.map(\.index)
            return candidates.isEmpty ? [] : [candidates[random.index(candidates.count)]]
        }
        switch reference {
        case .named(let name): return nodes.filter { $0.name == name }.map(\.index)
        case .randomRegional: return pick(.regional)
        case .randomGeneral: return pick(.general)
        case .randomAgent: return pick(nil)
        }
    }

    func moment(_ moment: Scenario.Moment) -> Int64 {
        random.integer(in: moment.earliest...moment.latest)
    }

    private func schedulePlants() {
        for plant in scenario.adversaries {
            let cheat = plant.cheat ?? Cheat.allCases[random.index(Cheat.allCases.count)]
            let time = moment(plant.at)
            for index in resolve(plant.node) {
                plants.append(PlantedCheat(node: index, cheat: cheat, at: time))
                nodes[index].cheats.append(cheat)
                schedule(.cheat(plants.count - 1), at: time)
            }
        }
    }
}
