import Foundation
import Dispatch
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateWire

/// `tollgate-bench ingest`: how fast a parent verifies and stores a child's log segment, next to raw
/// Ed25519 verification on one core and on all cores, measured in the same run.
enum IngestBenchCommand: Command {
    static let spec = CommandSpec(
        name: "ingest",
        abstract: "Measure root ingest (log entries verified and stored per second) against raw Ed25519 verification.",
        discussion: "Build with 'swift build -c release' first. The receiving store is a SQLite file (WAL, synchronous=FULL).",
        options: [entries])

    static let entries = Option<Int>("entries", value: "n", help: "Licenses in the pushed segment (default 20000).", range: 1...Int.max)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let count = try arguments.value(Self.entries) ?? 20_000
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // A root, and an agent that sold `count` licenses while offline.
        let rootKey = try Ed25519PrivateKey(), agentKey = try Ed25519PrivateKey()
        let anchor = TrustAnchor(publicKey: rootKey.publicKey)
        let root = LicensingNode(identity: NodeIdentity(name: "root", key: rootKey, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: scratch.appendingPathComponent("root.sqlite").path)))
        let agent = LicensingNode(identity: NodeIdentity(name: "agent", key: agentKey, anchor: anchor),
                                  store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        let now = TimeArgument.now
        var request = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
        request.count = UInt64(count) * 2
        request.countries = ["DE"]
        request.products = ["cad": ["export"]]
        request.models = ["perpetual"]
        request.priceFloor = ["EUR": 100]
        request.syncWithin = 30 * 86_400
        try agent.accept(chain: root.delegate(request, at: now).chain, at: now)
        let sale = LicenseRequest(customer: "bench", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 500))
        try agent.store.transaction {
            for _ in 0..<count { _ = try agent.issue(sale, at: now) }
        }
        let push = try agent.makePush(at: now)
        let entries = push.segments.reduce(0) { $0 + $1.entries.count }
        guard let child = try root.store.descendant(keyID: agentKey.publicKey.thumbprint) else { throw CommandFailure("the agent is not the root's child") }

        let start = DispatchTime.now().uptimeNanoseconds
        let response = try root.receivePush(push, from: child, at: now)
        let ingestSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard response.refused.isEmpty else { throw CommandFailure("the root refused the segment: \(response.refused)") }

        // Raw verification of the same signatures: one core, then every core.
        let signed = try push.segments[0].entries.compactMap { entry -> JWS? in
            entry.kind == LogEntryKind.licenseIssued.rawValue ? try JWS(compact: String(decoding: Base64URL.decode(entry.bytes), as: UTF8.self), object: "entry") : nil
        }
        let key = agentKey.publicKey
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

        Console.print("operation".padding(to: 52) + "per second".padding(to: 14) + "vs raw verify (1 core)")
        Console.print("raw Ed25519 verify, 1 core".padding(to: 52) + String(format: "%.0f", oneCore).padding(to: 14) + "1.00×")
        Console.print("raw Ed25519 verify, \(cores) cores".padding(to: 52) + String(format: "%.0f", allCores).padding(to: 14) + String(format: "%.2f×", allCores / oneCore))
        Console.print("root ingest: \(entries) entries verified + stored (fsync)".padding(to: 52) + String(format: "%.0f", ingest).padding(to: 14)
                      + String(format: "%.2f× (%.2f× of %d-core raw)", ingest / oneCore, ingest / allCores, cores))
        return .success
    }
}
