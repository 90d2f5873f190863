import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateHTTP
import TollgateWire

/// `tollgate-bench leases`: durable lease grants and heartbeats of floating seats through the whole
/// served path (loopback HTTP with keep-alive, the node API, the group-commit executor, SQLite with
/// `synchronous=FULL`), next to raw Ed25519 signing measured in the same run.
enum LeaseBenchCommand: Command {
    static let spec = CommandSpec(
        name: "leases",
        abstract: "Measure durable lease grants and heartbeats of floating seats over loopback HTTP against raw Ed25519 in the same run.",
        discussion: """
            Starts an in-process node as 'http' does, whose certificate grants the floating model, and sells it one
            floating license of many serials. Client threads, each with its own keep-alive connection, ask for leases
            from distinct machines, then send one heartbeat per lease granted. Every counted request was answered 201,
            i.e. its lease was committed with fsync. The machines' requests are signed before each phase starts, so
            their signing does not compete with the node for the CPU. Build with 'swift build -c release' first.
            """,
        options: [HTTPBenchCommand.threads, BenchOptions.seconds.with(help: "Time per measurement (default 2)."), serials])

    static let serials = Option<Int>("serials", value: "n", help: "Serials of the floating license, the most leases granted (default 20000).",
                                     range: 1...1_000_000)

    static let terms = FloatingTerms(lease: 900, borrow: 86_400)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let threads = try arguments.value(HTTPBenchCommand.threads) ?? 8
        let seconds = Double(try arguments.value(BenchOptions.seconds) ?? 2)
        let serials = try arguments.value(Self.serials) ?? 20_000

        let key = try Ed25519PrivateKey()
        let message = Array(repeating: UInt8(7), count: 600)  // about the size of a lease's signing input
        let rawSign = try LicenseBenchCommand.measure("raw Ed25519 sign (1 thread)", seconds: seconds) { _ = try key.signature(for: message) }

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-bench-leases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let served = try HTTPBenchCommand.ServedNode(directory: scratch, floating: terms)
        defer { served.stop() }

        let now = TimeArgument.now
        var sale = LicenseRequest(customer: "bench", country: "DE", product: "cad", model: "floating",
                                  price: Price(currency: "EUR", amount: 500), seatCount: UInt64(serials))
        sale.exp = now + 365 * 86_400
        let saleResponse = try HTTPClient().send(served.request(.issueLicense, body: Array(try JSONEncoder().encode(sale)), contentType: "application/json"))
        guard saleResponse.status == .created else { throw CommandFailure("the floating sale answered \(saleResponse.status): \(saleResponse.bodyText)") }
        let license = try SignedLicense(compact: saleResponse.decodeJSON(LicenseFile.self).license).hash

        // One machine per serial; each asks once for a lease, then heartbeats the lease it got.
        let machines = try (0..<serials).map { _ in try Ed25519PrivateKey() }
        let byKey = Dictionary(uniqueKeysWithValues: machines.map { (Base64URL.encode($0.publicKey.rawRepresentation), $0) })
        let grants = try HTTPBenchCommand.drive(threads: threads, seconds: seconds, prepare: { thread in
            try stride(from: thread, to: machines.count, by: threads).map {
                Array(try BenchMachine.request(.lease, license: license, by: machines[$0], at: TimeArgument.now).utf8)
            }
        }) { client, prepared, index in
            guard index < prepared.count else { return nil }
            return try send(prepared[index], to: served, client: client)
        }
        let leases = grants.results
        let heartbeats = try HTTPBenchCommand.drive(threads: threads, seconds: seconds, prepare: { thread in
            try stride(from: thread, to: leases.count, by: threads).map { index in
                let lease = try SignedLease(compact: leases[index])
                guard let machine = byKey[lease.payload.machineKey] else { throw CommandFailure("lease \(lease.hash) names an unknown machine") }
                return Array(try BenchMachine.request(.heartbeat, license: license, activation: lease.hash, by: machine, at: TimeArgument.now).utf8)
            }
        }) { client, prepared, index in
            guard index < prepared.count else { return nil }
            return try send(prepared[index], to: served, client: client)
        }

        let grantRate = Double(grants.results.count) / grants.elapsed
        let heartbeatRate = Double(heartbeats.results.count) / heartbeats.elapsed
        Console.print("operation".padding(to: 52) + "per second".padding(to: 14) + "vs raw sign (goal ≥ 0.5)")
        for (name, rate) in [(rawSign.name, rawSign.perSecond),
                             ("lease grant over HTTP (\(threads) clients, fsync)", grantRate),
                             ("heartbeat over HTTP (\(threads) clients, fsync)", heartbeatRate)] {
            Console.print(name.padding(to: 52) + String(format: "%.0f", rate).padding(to: 14) + String(format: "%.3f×", rate / rawSign.perSecond))
        }
        Console.print("")
        Console.print("lease grants, requests in each whole second: " + HTTPBenchCommand.perSecond(grants))
        Console.print("heartbeats, requests in each whole second:   " + HTTPBenchCommand.perSecond(heartbeats))
        if grants.exhausted {
            Console.print("the grants ran out of machines (\(serials)) before the time was up; their rate covers the time taken")
        }
        if heartbeats.exhausted {
            Console.print("the heartbeats ran out of leases (\(leases.count)) before the time was up; their rate covers the time taken")
        }
        return .success
    }

    /// Sends a prepared lease request; the signed lease the node answered with (201: committed).
    static func send(_ body: [UInt8], to served: HTTPBenchCommand.ServedNode, client: HTTPClient) throws -> String {
        let response = try client.send(served.request(.leaseRequest, body: body, contentType: "application/jose"))
        guard response.status == .created else { throw CommandFailure("the lease request answered \(response.status): \(response.bodyText)") }
        return try response.decodeJSON(LeaseReceipt.self).lease
    }
}
