import TollgateCertificates
import TollgateCrypto
import TollgateNode

/// The simulated channel: its tree of nodes (the root, the general agents, the regional agents),
/// found by index, name or key, and the links between them (``SimulatedNetwork``), which carry the
/// sync messages as bytes with their latency, loss, duplication, reordering and cuts.
final class Channel {
    private let context: RunContext
    /// By index: the root first, then the general agents, then the regional agents.
    let nodes: [SimulatedNode]
    private let nodeByKey: [String: Int]
    private var network: SimulatedNetwork

    /// Builds the tree the scenario describes, each node with its key, ids and operator token
    /// drawn from the run's stream.
    init(context: RunContext, rootKey: Ed25519PrivateKey, anchor: TrustAnchor, signatures: VerifiedSignatures) throws {
        let scenario = context.scenario
        try Self.checkReferences(of: scenario)
        let syncSchedule = SyncSchedule(interval: scenario.syncIntervalSeconds, initialBackoff: 2,
                                        maxBackoff: max(60, min(600, scenario.syncIntervalSeconds)))
        var nodes: [SimulatedNode] = []
        func add(_ name: String, _ role: SimulatedNode.Role, parent: Int?, key: Ed25519PrivateKey, countries: [String]) throws {
            let transcript = context.record.transcript
            let node = try SimulatedNode(index: nodes.count, name: name, role: role, parent: parent, key: key, anchor: anchor,
                                         countries: countries, epoch: context.epoch, idSeed: context.random.next(),
                                         operatorToken: Base64URL.encode(context.random.bytes(24)), transcript: transcript,
                                         schedule: syncSchedule, signatures: signatures,
                                         store: context.options.storeDirectory.map { ("\($0)/\(name).sqlite", context.options.storeCacheKibibytes) })
            if let parent { nodes[parent].children.append(node.index) }
            transcript?.add(ChannelTranscript.Node(name: name, parent: parent.map { nodes[$0].name },
                                                   subjectKey: Base64URL.encode(key.publicKey.rawRepresentation), keyID: node.keyID))
            nodes.append(node)
        }
        let sets = ChannelTerms.countrySets
        try add("root", .root, parent: nil, key: rootKey, countries: sets.flatMap { $0 })
        for general in 0..<scenario.generals {
            try add("g\(general + 1)", .general, parent: 0, key: try Ed25519PrivateKey(seed: context.random.bytes(32)),
                    countries: sets[general % sets.count])
        }
        for regional in 0..<scenario.regionals {
            let general = 1 + regional / scenario.regionalsPerGeneral
            let set = nodes[general].countries
            let position = regional % scenario.regionalsPerGeneral
            try add("r\(regional + 1)", .regional, parent: general, key: try Ed25519PrivateKey(seed: context.random.bytes(32)),
                    countries: [set[position % set.count], set[(position + 1) % set.count]].sorted())
        }
        self.context = context
        self.nodes = nodes
        nodeByKey = Dictionary(nodes.map { ($0.keyID, $0.index) }, uniquingKeysWith: { _, last in last })
        network = SimulatedNetwork(parent: nodes.map(\.parent), faults: SimulatedNetwork.Faults(
            latency: scenario.latency, loss: scenario.loss, duplicate: scenario.duplicate,
            reorder: scenario.reorder, reorderDelay: scenario.reorderDelay))
    }

    /// Every node a scenario names must exist in its channel, and cheats are planted on agents only.
    private static func checkReferences(of scenario: Scenario) throws {
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

    // MARK: Finding nodes

    subscript(index: Int) -> SimulatedNode { nodes[index] }

    var root: SimulatedNode { nodes[0] }

    /// Every node but the root.
    var agents: ArraySlice<SimulatedNode> { nodes.dropFirst() }

    /// The index of the node whose key has the id `keyID`.
    func index(ofKey keyID: String) -> Int? {
        nodeByKey[keyID]
    }

    func node(named name: String) -> SimulatedNode? {
        nodes.first { $0.name == name }
    }

    /// The nodes a reference stands for (a random one drawn from the run's stream).
    func resolve(_ reference: Scenario.NodeReference) -> [Int] {
        func pick(_ role: SimulatedNode.Role?) -> [Int] {
            let candidates = nodes.filter { role == nil ? $0.role != .root : $0.role == role }.map(\.index)
            return candidates.isEmpty ? [] : [candidates[context.random.index(candidates.count)]]
        }
        switch reference {
        case .named(let name): return nodes.filter { $0.name == name }.map(\.index)
        case .randomRegional: return pick(.regional)
        case .randomGeneral: return pick(.general)
        case .randomAgent: return pick(nil)
        }
    }

    /// Every node's log size equals the root's mirror of it.
    func converged() -> Bool {
        guard let root = root.node else { return false }
        for node in agents {
            guard let live = node.node, let size = try? live.logSize(),
                  let mirrored = try? root.mirroredLogSize(of: node.keyID), mirrored == size else { return false }
        }
        return true
    }

    // MARK: The wire

    /// Puts `message` on the link from `from` to `to`: its copies (none when lost or cut) are
    /// delivered when the network says.
    func send(_ message: WireMessage, from: Int, to: Int) {
        let bytes = message.encoded()
        let arrivals = network.transmit(from: from, to: to, at: context.now, random: &context.random)
        if arrivals.isEmpty {
            context.note("drop \(nodes[from].name)->\(nodes[to].name) \(Self.describe(message))\(network.isCut(from: from, to: to) ? " (cut)" : " (lost)")")
        }
        for arrival in arrivals { context.clock.schedule(.deliver(from: from, to: to, bytes: bytes), at: arrival) }
    }

    /// A message's copy arrives at `to`: the message, unless the link was cut meanwhile, the
    /// receiver is down or the bytes cannot be read.
    func deliver(from: Int, to: Int, bytes: [UInt8]) -> WireMessage? {
        let receiver = nodes[to]
        guard !network.isCut(from: from, to: to) else {
            network.statistics.partitioned += 1
            context.note("drop \(nodes[from].name)->\(receiver.name) in flight (cut)")
            return nil
        }
        guard receiver.isUp else {
            network.statistics.receiverDown += 1
            context.note("drop \(nodes[from].name)->\(receiver.name) (receiver down)")
            return nil
        }
        network.statistics.delivered += 1
        network.statistics.bytesDelivered += bytes.count
        context.record.absorb(bytes)
        guard let message = WireMessage(bytes: bytes) else {
            context.unexpected(NodeError(.invalidRequest, "unreadable bytes"), "a message from \(nodes[from].name)", at: receiver)
            return nil
        }
        context.note("deliver \(nodes[from].name)->\(receiver.name) \(Self.describe(message)) \(bytes.count) B")
        return message
    }

    static func describe(_ message: WireMessage) -> String {
        switch message.payload {
        case .request(let request): "\(request.method) \(request.path) #\(message.exchange)"
        case .response(let response): "\(response.status.code) #\(message.exchange)"
        }
    }

    // MARK: Links

    /// Cuts (or mends) `child`'s uplink in `direction`.
    func cut(_ child: Int, _ direction: Scenario.Direction, _ on: Bool) {
        network.cut(child, direction, on)
    }

    /// Removes every cut.
    func heal() {
        network.heal()
    }

    var statistics: NetworkStatistics { network.statistics }

    // MARK: The report

    /// What the report says of each node: its statistics, its log and the root's copy of it.
    var summaries: [SimulationReport.NodeSummary] {
        let rootNode = root.node
        return nodes.map { node in
            SimulationReport.NodeSummary(
                name: node.name, role: node.role.rawValue, cheats: node.cheats.map(\.rawValue), statistics: node.stats,
                logSize: (try? node.node?.logSize()) ?? 0,
                atRoot: node.role == .root ? ((try? rootNode?.logSize()) ?? 0) : ((try? rootNode?.mirroredLogSize(of: node.keyID)) ?? 0),
                skewSeconds: node.skewSeconds + node.jumpSeconds)
        }
    }
}
