import Foundation
import Dispatch
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateNode
import TollgateWire

/// `tollgate-bench usage-ingest`: how fast the root takes an agent's log full of machines' usage
/// records, and how fast its `usage` report bills them, next to raw Ed25519 verification of the
/// same records on one core and on all cores, measured in the same run.
enum UsageIngestBenchCommand: Command {
    static let spec = CommandSpec(
        name: "usage-ingest",
        abstract: "Measure root ingest of usage records (and the usage report over them) against raw Ed25519 verification of the records.",
        discussion: """
            Build with 'swift build -c release' first. An agent (in memory) sells one metered license, activates its machines and logs
            their signed usage chains, taken as uploads; the root (a SQLite file, WAL, synchronous=FULL) then takes the agent's whole
            log in one push. The root checks the signatures of the entries the agent signs itself on ingest, not the machines'
            signatures of usage records: those are checked when the usage report bills the records, timed separately (first run, so no
            signature is cached). Each round uses a fresh root and agent.
            """,
        options: [records, machines, rounds])

    static let records = Option<Int>("records", value: "n", help: "Usage records in the agent's log (default 20000).", range: 1...Int.max)
    static let machines = Option<Int>("machines", value: "n", help: "Machines whose chains share the records (default 200).", range: 1...100_000)
    static let rounds = Option<Int>("rounds", value: "n", help: "Rounds (default 2).", range: 1...100)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let recordCount = try arguments.value(Self.records) ?? 20_000
        let machineCount = min(try arguments.value(Self.machines) ?? 200, recordCount)
        let roundCount = try arguments.value(Self.rounds) ?? 2
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-usage-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let now = TimeArgument.now
        let cores = ProcessInfo.processInfo.activeProcessorCount

        Console.print("operation".padding(to: 62) + "per second".padding(to: 14) + "vs raw verify")
        for round in 1...roundCount {
            let channel = try IngestBenchCommand.channel(0, in: scratch, name: "usage-root-\(round)", at: now,
                                                         models: ["perpetual", License.meteredModel], quota: UInt64(machineCount))
            let signed = try meteredLog(channel.agent, records: recordCount, machines: machineCount, at: now)

            let push = try channel.agent.makePush(at: now, budget: PushBudget(bytes: .max / 2, entries: .max / 2))
            let entries = push.segments.reduce(0) { $0 + $1.entries.count }
            var clock = DispatchTime.now().uptimeNanoseconds
            let response = try channel.root.receivePush(push, from: channel.child, at: now)
            let ingestSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
            guard response.refused.isEmpty else { throw CommandFailure("the root refused the segment: \(response.refused)") }

            clock = DispatchTime.now().uptimeNanoseconds
            let report = try channel.root.report("usage", at: now)
            let reportSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
            let billed = report.usage?.reduce(0) { $0 + $1.records } ?? 0
            guard billed == recordCount else { throw CommandFailure("the usage report billed \(billed) records of \(recordCount)") }

            // Raw verification of the same records by their machines' keys: one core, then every core.
            clock = DispatchTime.now().uptimeNanoseconds
            for (record, key) in signed { _ = record.jws.isSigned(by: key) }
            let oneCore = Double(signed.count) / (Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)
            clock = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: cores) { worker in
                for index in stride(from: worker, to: signed.count, by: cores) { _ = signed[index].record.jws.isSigned(by: signed[index].key) }
            }
            let allCores = Double(signed.count) / (Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)

            let ingest = Double(recordCount) / ingestSeconds
            let billing = Double(recordCount) / reportSeconds
            Console.print("round \(round): raw Ed25519 verify, 1 core".padding(to: 62) + String(format: "%.0f", oneCore).padding(to: 14) + "1.00×")
            Console.print("round \(round): raw Ed25519 verify, \(cores) cores".padding(to: 62) + String(format: "%.0f", allCores).padding(to: 14)
                          + String(format: "%.2f×", allCores / oneCore))
            Console.print("round \(round): root ingest, \(recordCount) usage records (\(entries) entries)".padding(to: 62)
                          + String(format: "%.0f", ingest).padding(to: 14)
                          + String(format: "%.2f× of %d-core raw (goal ≥ 0.80)", ingest / allCores, cores))
            Console.print("round \(round): usage report at the root, records billed".padding(to: 62) + String(format: "%.0f", billing).padding(to: 14)
                          + String(format: "%.2f× of %d-core raw, %.2f× of 1-core", billing / allCores, cores, billing / oneCore))
        }
        return .success
    }

    /// Sells one metered license of `machines` seats at `agent`, activates as many machines and logs
    /// `records` usage records spread over their chains (signed by the machines, taken as uploads).
    /// Every record with the key that signed it.
    static func meteredLog(_ agent: LicensingNode, records: Int, machines: Int, at now: Int64) throws -> [(record: SignedUsageRecord, key: Ed25519PublicKey)] {
        var sale = LicenseRequest(customer: "bench", country: "DE", product: "cad", model: License.meteredModel,
                                  price: Price(currency: "EUR", amount: 500), seatCount: UInt64(machines))
        sale.exp = now + 365 * 86_400
        sale.metering = Metering(allowance: [MeteredFeature(feature: "export", units: 1_000_000)], unitPrice: Price(currency: "EUR", amount: 2),
                                 overage: .bill)
        let license = JWS.hash(of: try agent.issue(sale, at: now).license)
        var logged: [(record: SignedUsageRecord, key: Ed25519PublicKey)] = []
        for machine in 0..<machines {
            let key = try Ed25519PrivateKey()
            let machineKey = Base64URL.encode(key.publicKey.rawRepresentation)
            let receipt = try agent.handleMachineRequest(try BenchMachine.request(.activate, license: license, by: key, at: now), at: now)
            var head = (seq: UInt64(0), hash: JWS.hash(of: receipt.activation))
            // This machine's share of the records, in uploads of at most the upload limit.
            let share = records / machines + (machine < records % machines ? 1 : 0)
            var chain: [SignedUsageRecord] = []
            for _ in 0..<share {
                let record = try SignedUsageRecord.sign(UsageRecord(license: license, machineKey: machineKey, seq: head.seq + 1, prev: head.hash,
                                                                    feature: "export", units: 1, iat: now), with: key)
                chain.append(record)
                head = (record.payload.seq, record.hash)
            }
            for start in stride(from: 0, to: chain.count, by: UsageUpload.maxRecords) {
                let part = chain[start..<min(chain.count, start + UsageUpload.maxRecords)]
                _ = try agent.receiveUsage(UsageUpload(records: part.map(\.compact)), at: now + 60)
            }
            logged += chain.map { ($0, key.publicKey) }
        }
        return logged
    }
}
