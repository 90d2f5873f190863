import Foundation
import Synchronization
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateLedger
import TollgateNode
import TollgateService
import TollgateWire

/// `tollgate-bench http`: durable issuance and activation rates through the whole served path —
/// loopback HTTP with keep-alive, the node API, the group-commit executor and SQLite with
/// `synchronous=FULL` — next to raw Ed25519 signing measured in the same run.
enum HTTPBenchCommand: Command {
    static let spec = CommandSpec(
        name: "http",
        abstract: "Measure durable issuance and activation rates over loopback HTTP against raw Ed25519 in the same run.",
        discussion: """
            Starts an in-process node (HTTP server, node API, group-commit executor, SQLite file in a temporary
            directory) on 127.0.0.1 and drives it from client threads, each with its own keep-alive libcurl
            client. Every counted request was answered 201, i.e. its change was committed with fsync.
            Machine requests for the activation phase are signed before it starts, so the clients' signing
            does not compete with the node for the CPU. Build with 'swift build -c release' first.
            """,
        options: [threads, BenchOptions.seconds.with(help: "Time per measurement (default 2)."), idle])

    static let threads = Option<Int>("threads", value: "n", help: "Client threads, each with its own connection (default 8).", range: 1...200)
    static let idle = Option<Int>("idle", value: "n", help: "Also measure /healthz with this many idle connections open (default 0).", range: 0...60_000)

    /// `/healthz` probes per latency measurement.
    static let healthSamples = 500

    /// Seats per license sold in the issuance phase; each becomes one activation in the next phase.
    static let seatsPerLicense: UInt64 = 8
    /// Most machine requests signed ahead of the activation phase.
    static let maxPreparedActivations = 60_000

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let threads = try arguments.value(Self.threads) ?? 8
        let seconds = Double(try arguments.value(BenchOptions.seconds) ?? 2)
        let idle = try arguments.value(Self.idle) ?? 0
        // The server holds a descriptor per idle connection.
        _ = OpenFileLimit.raiseToHardLimit()

        let key = try Ed25519PrivateKey()
        let message = Array(repeating: UInt8(7), count: 600)  // about the size of a license's signing input
        let rawSign = try LicenseBenchCommand.measure("raw Ed25519 sign (1 thread)", seconds: seconds) { _ = try key.signature(for: message) }

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-bench-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let served = try ServedNode(directory: scratch)
        defer { served.stop() }

        let sale = LicenseRequest(customer: "bench", country: "DE", product: "cad", model: "perpetual",
                                  price: Price(currency: "EUR", amount: 500), seatCount: seatsPerLicense)
        let saleBody = Array(try JSONEncoder().encode(sale))
        let before = served.executor.statistics
        let issuance = try drive(threads: threads, seconds: seconds, prepare: { _ in [[UInt8]]() }) { client, _, _ in
            let response = try client.send(served.request(.issueLicense, body: saleBody, contentType: "application/json"))
            guard response.status == .created else { throw CommandFailure("issuance answered \(response.status): \(response.bodyText)") }
            return try SignedLicense(compact: response.decodeJSON(LicenseFile.self).license).hash
        }
        let afterIssuance = served.executor.statistics

        // Each license sold above takes one activation per seat, from as many machines.
        let machines = try (0..<Int(seatsPerLicense)).map { _ in try Ed25519PrivateKey() }
        let slots = Array(issuance.results.flatMap { license in machines.map { (license, $0) } }.prefix(maxPreparedActivations))
        let now = TimeArgument.now
        let activation = try drive(threads: threads, seconds: seconds, prepare: { thread in
            try stride(from: thread, to: slots.count, by: threads).map { index -> [UInt8] in
                let (license, machine) = slots[index]
                return Array(try BenchMachine.request(.activate, license: license, by: machine, at: now).utf8)
            }
        }) { client, prepared, index in
            guard index < prepared.count else { return nil }
            let response = try client.send(served.request(.machineRequest, body: prepared[index], contentType: "application/jose"))
            guard response.status == .created else { throw CommandFailure("activation answered \(response.status): \(response.bodyText)") }
            return ""
        }
        let afterActivation = served.executor.statistics

        let issuanceRate = Double(issuance.results.count) / issuance.elapsed
        let activationRate = Double(activation.results.count) / activation.elapsed
        Console.print("operation".padding(to: 52) + "per second".padding(to: 14) + "vs raw sign")
        for (name, rate) in [(rawSign.name, rawSign.perSecond),
                             ("issue license over HTTP (\(threads) clients, fsync)", issuanceRate),
                             ("activate machine over HTTP (\(threads) clients, fsync)", activationRate)] {
            Console.print(name.padding(to: 52) + String(format: "%.0f", rate).padding(to: 14)
                          + String(format: "%.3f×", rate / rawSign.perSecond))
        }
        Console.print("")
        Console.print(commitLine("issuance", jobs: afterIssuance.jobs - before.jobs, batches: afterIssuance.batches - before.batches,
                                 count: issuance.results.count, elapsed: issuance.elapsed))
        Console.print(commitLine("activation", jobs: afterActivation.jobs - afterIssuance.jobs,
                                 batches: afterActivation.batches - afterIssuance.batches,
                                 count: activation.results.count, elapsed: activation.elapsed))
        Console.print("issuance, requests in each whole second:   " + perSecond(issuance))
        Console.print("activation, requests in each whole second: " + perSecond(activation))
        if activation.exhausted {
            Console.print("activation ran out of prepared requests (\(slots.count)) before the time was up; its rate covers the time taken")
        }

        Console.print("")
        Console.print(latencyLine("GET /healthz, new connection each, 0 idle", try healthLatency(port: served.server.port, samples: healthSamples)))
        if idle > 0 {
            let clients = try startIdleClients(port: served.server.port, count: idle)
            defer {
                try? clients.input.fileHandleForWriting.close()
                clients.process.waitUntilExit()
            }
            // The clients are ready once the kernel queued their connections; wait until the server holds them.
            let deadline = DispatchTime.now().uptimeNanoseconds + 30_000_000_000
            while served.server.metrics.openConnections < idle, DispatchTime.now().uptimeNanoseconds < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            let open = served.server.metrics.openConnections
            Console.print(latencyLine("GET /healthz, new connection each, \(open) idle", try healthLatency(port: served.server.port, samples: healthSamples)))
            let metrics = served.server.metrics
            Console.print("server: \(metrics.openConnections) open, \(metrics.totalRejections) refused, \(metrics.idleConnectionsClosed) idle closed, \(metrics.acceptErrors) accept errors")
        }
        return .success
    }

    /// Requests answered in each whole second of a phase, e.g. `1056 640 512`: shows whether the rate
    /// holds as the node's store grows.
    static func perSecond(_ phase: PhaseResult) -> String {
        var counts = Array(repeating: 0, count: max(1, Int(phase.elapsed)))
        for completion in phase.completions {
            let second = Int(completion / 1_000_000_000)
            if second < counts.count { counts[second] += 1 }
        }
        return counts.map(String.init).joined(separator: " ")
    }

    static func commitLine(_ phase: String, jobs: UInt64, batches: UInt64, count: Int, elapsed: Double) -> String {
        String(format: "%@: %d requests in %.2f s, %llu group commits (%.1f operations per fsync)",
               phase, count, elapsed, batches, batches == 0 ? 0 : Double(jobs) / Double(batches))
    }

    /// What the client threads of one phase achieved.
    struct PhaseResult {
        var results: [String]
        /// Nanoseconds from the start of the phase at which each request was answered.
        var completions: [UInt64]
        var elapsed: Double
        /// Whether a thread ran out of prepared work before the time was up.
        var exhausted: Bool
    }

    /// Runs `step` in a loop on `threads` threads, each with its own `HTTPClient`, for `seconds`.
    /// `prepare` runs on each thread before the clock starts; `step` returns nil when its thread has no
    /// more work. Fails with the first error any thread met.
    static func drive(threads: Int, seconds: Double, prepare: @escaping @Sendable (Int) throws -> [[UInt8]],
                      step: @escaping @Sendable (HTTPClient, [[UInt8]], Int) throws -> String?) throws -> PhaseResult {
        let state = Mutex<(results: [String], completions: [UInt64], failure: String?, exhausted: Bool, ready: Int)>(([], [], nil, false, 0))
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        let deadline = Mutex<UInt64>(0)
        for thread in 0..<threads {
            finished.enter()
            Thread {
                defer { finished.leave() }
                var local: [String] = []
                var completions: [UInt64] = []
                do {
                    let client = try HTTPClient()
                    let prepared = try prepare(thread)
                    state.withLock { $0.ready += 1 }
                    start.wait()
                    let end = deadline.withLock { $0 }
                    var index = 0
                    while DispatchTime.now().uptimeNanoseconds < end {
                        guard let result = try step(client, prepared, index) else {
                            state.withLock { $0.exhausted = true }
                            break
                        }
                        local.append(result)
                        completions.append(DispatchTime.now().uptimeNanoseconds)
                        index += 1
                    }
                } catch {
                    state.withLock { if $0.failure == nil { $0.failure = "\(error)" }; $0.ready += 1 }
                }
                state.withLock {
                    $0.results += local
                    $0.completions += completions
                }
            }.start()
        }
        while state.withLock({ $0.ready }) < threads { Thread.sleep(forTimeInterval: 0.005) }
        let started = DispatchTime.now().uptimeNanoseconds
        deadline.withLock { $0 = started + UInt64(seconds * 1e9) }
        for _ in 0..<threads { start.signal() }
        finished.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let outcome = state.withLock { $0 }
        if let failure = outcome.failure { throw CommandFailure("a client thread failed: \(failure)") }
        return PhaseResult(results: outcome.results, completions: outcome.completions.map { $0 - started }, elapsed: elapsed,
                           exhausted: outcome.exhausted)
    }
}
