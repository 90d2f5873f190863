import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateHTTPMessages
import TollgateWire

/// `tollgate-bench bulk`: licenses per second issued by orders files (`POST /v1/licenses/batch`,
/// what `tollgate issue --orders` sends) next to single sales over HTTP and raw Ed25519 signing,
/// all in the same run against the same served node.
enum BulkBenchCommand: Command {
    static let spec = CommandSpec(
        name: "bulk",
        abstract: "Measure bulk issuance by orders (batches over HTTP) against single sales over HTTP and raw Ed25519 in the same run.",
        discussion: """
            Starts an in-process node as 'tollgate-bench http' does. Single sales come from --threads client threads
            (POST /v1/licenses, each answered 201); bulk sales from one client posting batches of --batch orders
            (POST /v1/licenses/batch, each answered 201 with every order issued), as one 'tollgate issue --orders'
            run does. The batches are encoded before the clock starts. Build with 'swift build -c release' first.
            """,
        options: [HTTPBenchCommand.threads, batch, BenchOptions.seconds.with(help: "Time per measurement (default 2).")])

    static let batch = Option<Int>("batch", value: "n", help: "Orders per batch (default 500, the most one call takes).",
                                   range: 1...APIBodies.OrdersBody.maxRows)
    /// Most batches encoded ahead of the bulk phase.
    static let preparedBatches = 120

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let threads = try arguments.value(HTTPBenchCommand.threads) ?? 8
        let batchSize = try arguments.value(batch) ?? APIBodies.OrdersBody.maxRows
        let seconds = Double(try arguments.value(BenchOptions.seconds) ?? 2)

        let key = try Ed25519PrivateKey()
        let message = Array(repeating: UInt8(7), count: 600)  // about the size of a license's signing input
        let rawSign = try LicenseBenchCommand.measure("raw Ed25519 sign (1 thread)", seconds: seconds) { _ = try key.signature(for: message) }

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-bench-bulk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let served = try HTTPBenchCommand.ServedNode(directory: scratch)
        defer { served.stop() }

        let sale = LicenseRequest(customer: "bench", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 500))
        let saleBody = Array(try JSONEncoder().encode(sale))
        let single = try HTTPBenchCommand.drive(threads: threads, seconds: seconds, prepare: { _ in [[UInt8]]() }) { client, _, _ in
            let response = try client.send(served.request(.issueLicense, body: saleBody, contentType: "application/json"))
            guard response.status == .created else { throw CommandFailure("a single sale answered \(response.status): \(response.bodyText)") }
            return ""
        }

        let bulk = try HTTPBenchCommand.drive(threads: 1, seconds: seconds, prepare: { _ in
            try (0..<preparedBatches).map { batchIndex in
                let orders = (0..<batchSize).map { index in
                    var order = sale
                    order.customer = "bulk \(batchIndex)-\(index)"
                    order.order = "BENCH-\(batchIndex)-\(index)"
                    return order
                }
                return Array(try JSONEncoder().encode(APIBodies.OrdersBody(orders: orders)))
            }
        }) { client, prepared, index in
            guard index < prepared.count else { return nil }
            let response = try client.send(served.request(.issueOrders, body: prepared[index], contentType: "application/json"))
            guard response.status == .created else { throw CommandFailure("a batch answered \(response.status): \(response.bodyText)") }
            let results = try response.decodeJSON(APIBodies.OrderResultsBody.self).results
            guard results.count == batchSize, results.allSatisfy({ $0.status == .issued }) else {
                throw CommandFailure("a batch of \(batchSize) answered \(results.count) outcomes, not all issued")
            }
            return ""
        }

        let singleRate = Double(single.results.count) / single.elapsed
        let bulkRate = Double(bulk.results.count * batchSize) / bulk.elapsed
        Console.print("operation".padding(to: 58) + "licenses/s".padding(to: 14) + "vs raw sign")
        for (name, rate) in [(rawSign.name, rawSign.perSecond),
                             ("single sales over HTTP (\(threads) clients, fsync)", singleRate),
                             ("bulk by orders over HTTP (1 client, batches of \(batchSize))", bulkRate)] {
            Console.print(name.padding(to: 58) + String(format: "%.0f", rate).padding(to: 14) + String(format: "%.3f×", rate / rawSign.perSecond))
        }
        Console.print("")
        Console.print(String(format: "bulk per license vs single over HTTP: %.2f× the rate (%.1f µs vs %.1f µs a license)",
                             bulkRate / singleRate, 1e6 / bulkRate, 1e6 / singleRate))
        if bulk.exhausted {
            Console.print("bulk ran out of prepared batches (\(preparedBatches)) before the time was up; its rate covers the time taken")
        }
        return .success
    }
}
