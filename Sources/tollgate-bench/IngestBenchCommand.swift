import Foundation
import Dispatch
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateWire

/// `tollgate-bench ingest`: how fast a parent verifies and stores a child's log segment, next to raw
/// Ed25519 verification on one core and on all cores, measured in the same run; and how fast a
/// backlog of the same size drains through the sync round in bounded pushes (each made, signed,
/// encoded, read, verified, stored and acknowledged in turn), as a share of that ingest rate.
enum IngestBenchCommand: Command {
    static let spec = CommandSpec(
        name: "ingest",
        abstract: "Measure root ingest (log entries verified and stored per second) against raw Ed25519 verification, and a backlog's drain in bounded pushes.",
        discussion: """
            Build with 'swift build -c release' first. The receiving store is a SQLite file (WAL, synchronous=FULL). \
            Rounds alternate the direct ingest and the drain, each to a fresh root, so the ratio holds on a host whose speed drifts.
            """,
        options: [entries, rounds])

    static let entries = Option<Int>("entries", value: "n", help: "Licenses in the agent's backlog (default 20000).", range: 1...Int.max)
    static let rounds = Option<Int>("rounds", value: "n", help: "Rounds of both measurements (default 3).", range: 1...100)

    /// A root on a SQLite file and an agent in memory that sold `count` licenses while offline.
    struct Channel {
        let root: LicensingNode
        let agent: LicensingNode
        let child: Descendant
    }

    /// `models` and `quota` (serials beyond the `count` sold) widen the agent's certificate for another sale.
    static func channel(_ count: Int, in scratch: URL, name: String, at now: Int64, models: [String] = ["perpetual"],
                        quota: UInt64 = 0) throws -> Channel {
        let rootKey = try Ed25519PrivateKey(), agentKey = try Ed25519PrivateKey()
        let anchor = TrustAnchor(publicKey: rootKey.publicKey)
        let root = LicensingNode(identity: NodeIdentity(name: "root", key: rootKey, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: scratch.appendingPathComponent("\(name).sqlite").path)))
        let agent = LicensingNode(identity: NodeIdentity(name: "agent", key: agentKey, anchor: anchor),
                                  store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        var request = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
        request.count = UInt64(count) * 2 + quota
        request.countries = ["DE"]
        request.products = ["cad": ["export"]]
        request.models = models
        request.priceFloor = ["EUR": 100]
        request.syncWithin = 30 * 86_400
        try agent.accept(chain: root.delegate(request, at: now).chain, at: now)
        let sale = LicenseRequest(customer: "bench", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 500))
        try agent.store.transaction {
            for _ in 0..<count { _ = try agent.issue(sale, at: now) }
        }
        guard let child = try root.store.descendant(keyID: agentKey.publicKey.thumbprint) else { throw CommandFailure("the agent is not the root's child") }
        return Channel(root: root, agent: agent, child: child)
    }

    /// Drains the agent's backlog to the root through the production round, each request handed to
    /// the root's API as its HTTP server would hand it (body limit: `node serve`'s default). Entries
    /// per second over the whole round, and the pushes it made.
    static func drain(_ channel: Channel, at now: Int64) throws -> (rate: Double, pushes: Int, entries: Int, parentShare: Double) {
        let agentExecutor = NodeExecutor(node: channel.agent), rootExecutor = NodeExecutor(node: channel.root)
        defer {
            agentExecutor.stop()
            rootExecutor.stop()
        }
        let api = NodeAPI(executor: rootExecutor, token: OperatorToken("bench"), anchorPEM: "", nodeName: "root", clock: { now })
        api.limitPushes(toBodySize: 16 << 20)
        var round = SyncRound(executor: agentExecutor)
        let start = DispatchTime.now().uptimeNanoseconds
        var atParent: UInt64 = 0
        var request = try round.start(at: now)
        while true {
            let handed = DispatchTime.now().uptimeNanoseconds
            let answer = api.handle(request)
            atParent += DispatchTime.now().uptimeNanoseconds - handed
            switch try round.receive(answer, at: now) {
            case .send(let next): request = next
            case .finished(let outcome):
                let elapsed = DispatchTime.now().uptimeNanoseconds - start
                guard try channel.root.mirroredLogSize(of: channel.child.keyID) == channel.agent.logSize() else {
                    throw CommandFailure("the round ended before the root held the agent's whole log")
                }
                return (Double(outcome.pushed) / (Double(elapsed) / 1e9), outcome.pushes, outcome.pushed, Double(atParent) / Double(elapsed))
            }
        }
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let count = try arguments.value(Self.entries) ?? 20_000
        let roundCount = try arguments.value(Self.rounds) ?? 3
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let now = TimeArgument.now

        Console.print("operation".padding(to: 52) + "per second".padding(to: 14) + "vs raw verify (1 core)")
        var ratios: [Double] = []
        for round in 1...roundCount {
            // The whole backlog in one segment, taken by the root directly.
            let channel = try Self.channel(count, in: scratch, name: "root-\(round)", at: now)
            let (root, agent, child) = (channel.root, channel.agent, channel.child)
            let push = try agent.makePush(at: now, budget: PushBudget(bytes: .max / 2, entries: .max / 2))
            let entries = push.segments.reduce(0) { $0 + $1.entries.count }

            let start = DispatchTime.now().uptimeNanoseconds
            let response = try root.receivePush(push, from: child, at: now)
            let ingestSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard response.refused.isEmpty else { throw CommandFailure("the root refused the segment: \(response.refused)") }

            // Raw verification of the same signatures: one core, then every core.
            let signed = try push.segments[0].entries.compactMap { entry -> JWS? in
                entry.kind == LogEntryKind.licenseIssued.rawValue ? try JWS(compact: String(decoding: Base64URL.decode(entry.bytes), as: UTF8.self), object: "entry") : nil
            }
            let key = agent.identity.key.publicKey
            var clock = DispatchTime.now().uptimeNanoseconds
            for jws in signed { _ = jws.isSigned(by: key) }
            let oneCore = Double(signed.count) / (Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            clock = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: cores) { worker in
                var index = worker
                while index < signed.count {
                    _ = signed[index].isSigned(by: key)
                    index += cores
                }
            }
            let allCores = Double(signed.count) / (Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)
            let ingest = Double(entries) / ingestSeconds

            // The same backlog again, to a fresh root, through the sync round in bounded pushes.
            let drained = try Self.drain(try Self.channel(count, in: scratch, name: "drain-root-\(round)", at: now), at: now)
            ratios.append(drained.rate / ingest)

            Console.print("round \(round): raw Ed25519 verify, 1 core".padding(to: 52) + String(format: "%.0f", oneCore).padding(to: 14) + "1.00×")
            Console.print("round \(round): raw Ed25519 verify, \(cores) cores".padding(to: 52) + String(format: "%.0f", allCores).padding(to: 14)
                          + String(format: "%.2f×", allCores / oneCore))
            Console.print("round \(round): root ingest, \(entries) entries verified + stored".padding(to: 52) + String(format: "%.0f", ingest).padding(to: 14)
                          + String(format: "%.2f× (%.2f× of %d-core raw)", ingest / oneCore, ingest / allCores, cores))
            Console.print("round \(round): drain, \(drained.entries) entries in \(drained.pushes) pushes".padding(to: 52)
                          + String(format: "%.0f", drained.rate).padding(to: 14)
                          + String(format: "%.2f× of root ingest; %.0f%% of it at the root", drained.rate / ingest, drained.parentShare * 100))
        }
        ratios.sort()
        Console.print(String(format: "median drain ÷ ingest: %.3f (goal ≥ 0.80)", ratios[ratios.count / 2]))
        return .success
    }
}
