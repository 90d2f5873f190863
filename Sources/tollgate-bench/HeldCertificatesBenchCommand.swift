import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateWire

/// `tollgate-bench certificates`: whether a sale costs the same however many used-up certificates
/// the node holds. Sales name no certificate, so the node tries its certificates oldest first; the
/// used-up ones are older than the one with room, so every sale passes them.
enum HeldCertificatesBenchCommand: Command {
    static let spec = CommandSpec(
        name: "certificates",
        abstract: "Measure the issue rate with one certificate held against many used-up ones held (plus one with room).",
        discussion: "Build with 'swift build -c release' first. Rounds alternate between the two nodes, and raw Ed25519 signing "
            + "is measured before each round, so the ratio holds on a host whose speed drifts.",
        options: [BenchOptions.seconds.with(help: "Time per measurement (default 2)."), usedUp, rounds])

    static let usedUp = Option<Int>("used-up", value: "n", help: "Used-up certificates the second node holds (default 100).", range: 1...10_000)
    static let rounds = Option<Int>("rounds", value: "n", help: "Rounds of both measurements (default 3).", range: 1...100)

    /// Seats of each used-up certificate: sold out one license at a time while setting up.
    static let usedUpSeats: UInt64 = 20

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let seconds = Double(try arguments.value(BenchOptions.seconds) ?? 2)
        let usedUpCount = try arguments.value(Self.usedUp) ?? 100
        let roundCount = try arguments.value(Self.rounds) ?? 3
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-certificates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let key = try Ed25519PrivateKey()
        let message = Array(repeating: UInt8(7), count: 600)  // about the size of a license's signing input
        // Both nodes start from the same number of sales, so they differ only in the certificates held.
        let salesBefore = usedUpCount * Int(usedUpSeats)

        let (single, sale) = try sellingNode(usedUp: 0, salesBefore: salesBefore, path: scratch.appendingPathComponent("single.sqlite").path)
        let (crowded, _) = try sellingNode(usedUp: usedUpCount, salesBefore: salesBefore, path: scratch.appendingPathComponent("crowded.sqlite").path)
        // In memory, a sale costs what the node's logic and SQLite cost, without the disk's fsync.
        let (singleInMemory, _) = try sellingNode(usedUp: 0, salesBefore: salesBefore, path: ":memory:")
        let (crowdedInMemory, _) = try sellingNode(usedUp: usedUpCount, salesBefore: salesBefore, path: ":memory:")
        let callers = LicenseBenchCommand.groupCommitCallers
        let now = TimeArgument.now
        var rows: [(name: String, raw: Double, one: Double, many: Double)] = []
        for round in 1...roundCount {
            let raw = try LicenseBenchCommand.measure("raw Ed25519 sign (OpenSSL EVP)", seconds: seconds) { _ = try key.signature(for: message) }
            // Odd rounds measure the node with one certificate first, even rounds the other, so a
            // host that speeds up or slows down within a round favours neither.
            func pair(_ one: () throws -> Double, _ many: () throws -> Double) rethrows -> (Double, Double) {
                if round % 2 == 1 { let first = try one(); return (first, try many()) }
                let second = try many()
                return (try one(), second)
            }
            let memory = try pair({ try LicenseBenchCommand.measure("issue", seconds: seconds) { _ = try singleInMemory.issue(sale, at: now) }.perSecond },
                                  { try LicenseBenchCommand.measure("issue", seconds: seconds) { _ = try crowdedInMemory.issue(sale, at: now) }.perSecond })
            rows.append(("round \(round), in-memory store", raw.perSecond, memory.0, memory.1))
            let direct = try pair({ try LicenseBenchCommand.measure("issue", seconds: seconds) { _ = try single.issue(sale, at: now) }.perSecond },
                                  { try LicenseBenchCommand.measure("issue", seconds: seconds) { _ = try crowded.issue(sale, at: now) }.perSecond })
            rows.append(("round \(round), one at a time (fsync each)", raw.perSecond, direct.0, direct.1))
            let group = try pair({ try LicenseBenchCommand.groupCommitRate("issue", node: single, sale: sale, threads: callers, seconds: seconds).perSecond },
                                 { try LicenseBenchCommand.groupCommitRate("issue", node: crowded, sale: sale, threads: callers, seconds: seconds).perSecond })
            rows.append(("round \(round), group commit (\(callers) callers)", raw.perSecond, group.0, group.1))
        }
        Console.print("raw Ed25519 sign, then issue with 1 certificate held and with \(usedUpCount) used-up + 1 held (licenses per second)")
        Console.print("measurement".padding(to: 48) + "raw sign".padding(to: 12) + "1 held".padding(to: 12)
                      + "\(usedUpCount)+1 held".padding(to: 14) + "ratio")
        for row in rows {
            Console.print(row.name.padding(to: 48) + String(format: "%.0f", row.raw).padding(to: 12) + String(format: "%.0f", row.one).padding(to: 12)
                          + String(format: "%.0f", row.many).padding(to: 14) + String(format: "%.3f", row.many / row.one))
        }
        for kind in ["in-memory", "one at a time", "group commit"] {
            let ratios = rows.filter { $0.name.contains(kind) }.map { $0.many / $0.one }.sorted()
            Console.print(String(format: "median ratio, %@: %.3f", kind, ratios[ratios.count / 2]))
        }
        return .success
    }

    /// A node on a SQLite file at `path` holding `usedUp` certificates of ``usedUpSeats`` seats, all
    /// sold out, and then one with room for the whole run, received last, with `salesBefore` licenses
    /// issued in all (those the used-up certificates do not take go to the last one).
    static func sellingNode(usedUp: Int, salesBefore: Int, path: String) throws -> (LicensingNode, LicenseRequest) {
        let rootKey = try Ed25519PrivateKey(), agentKey = try Ed25519PrivateKey()
        let anchor = TrustAnchor(publicKey: rootKey.publicKey)
        let root = LicensingNode(identity: NodeIdentity(name: "root", key: rootKey, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        let node = LicensingNode(identity: NodeIdentity(name: "agent", key: agentKey, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: path)))
        let now = TimeArgument.now
        func delegation(_ count: UInt64) -> DelegationRequest {
            var request = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
            request.count = count
            request.countries = ["DE"]
            request.products = ["cad": ["export"]]
            request.models = ["perpetual"]
            request.priceFloor = ["EUR": 100]
            request.nbf = now - 86_400
            return request
        }
        let sale = LicenseRequest(customer: "bench", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 500))
        // Received a second apart, oldest first, so sales try them in this order.
        let start = now - Int64(usedUp) - 1
        try node.store.transaction {
            for index in 0..<usedUp {
                try node.accept(chain: root.delegate(delegation(usedUpSeats), at: now).chain, at: start + Int64(index))
                for _ in 0..<usedUpSeats { _ = try node.issue(sale, at: now) }
            }
        }
        try node.accept(chain: root.delegate(delegation(10_000_000), at: now).chain, at: now - 1)
        try node.store.transaction {
            for _ in 0..<max(0, salesBefore - usedUp * Int(usedUpSeats)) { _ = try node.issue(sale, at: now) }
        }
        return (node, sale)
    }
}
