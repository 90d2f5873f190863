import Foundation
import Synchronization
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateService
import TollgateVectors
import TollgateWire

/// `tollgate-bench license`: throughput of issuance and verification next to raw Ed25519, measured in one run.
enum LicenseBenchCommand: Command {
    static let spec = CommandSpec(
        name: "license",
        abstract: "Measure license issuance and verification rates against raw Ed25519 in the same run.",
        discussion: "Build with 'swift build -c release' first; debug builds are several times slower.",
        options: [BenchOptions.seconds.with(help: "Time per measurement (default 1)."), callers, only])

    /// What `--only` narrows the run to.
    enum Focus: String, CaseIterable, Sendable {
        /// Raw signing, encoding, signing a license object and in-memory issuance.
        case issue
        /// Group-committed issuance in rounds, each between two raw-signing measurements.
        case group
    }

    static let callers = Option<Int>("callers", value: "n", help: "Concurrent callers in the group-commit measurement (default 64).", range: 1...4_096)
    static let only = Option<Focus>("only", help: "Measure only raw signing and in-memory issuance, or group-committed issuance in three rounds, each against raw signing measured right before and after it.")

    struct Measurement {
        var name: String
        var perSecond: Double
    }

    static func measure(_ name: String, seconds: Double, _ body: () throws -> Void) rethrows -> Measurement {
        for _ in 0..<50 { try body() }  // warm up
        var count = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            for _ in 0..<50 { try body() }
            count += 50
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds
        return Measurement(name: name, perSecond: Double(count) / elapsed)
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let seconds = Double(try arguments.value(BenchOptions.seconds) ?? 1)
        let callers = try arguments.value(Self.callers) ?? groupCommitCallers
        let focus = try arguments.value(only)
        let key = try Ed25519PrivateKey()
        let message = Array(repeating: UInt8(7), count: 600)  // about the size of a license's signing input
        let signature = try key.signature(for: message)
        let rawSign = try measure("raw Ed25519 sign (OpenSSL EVP)", seconds: seconds) { _ = try key.signature(for: message) }
        let rawVerify = measure("raw Ed25519 verify (OpenSSL EVP)", seconds: seconds) { _ = key.publicKey.isValidSignature(signature, for: message) }

        // Issuance through the node logic: rules, serial allocation, signing, log append, store.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let groupIssue = { () throws -> Measurement in
            try groupCommitRate("issue license (SQLite file, group commit, \(callers) callers)",
                                path: scratch.appendingPathComponent("group.sqlite").path, threads: callers, seconds: seconds)
        }

        if focus == .group {
            // The machine's speed drifts within seconds on a shared host, so each round's rate is set
            // against raw signing measured right before and right after it.
            var rawRates = [rawSign.perSecond]
            var ratios: [Double] = []
            for round in 1...groupRounds {
                let group = try groupIssue()
                let after = try measure(rawSign.name, seconds: seconds) { _ = try key.signature(for: message) }
                let baseline = (rawRates.last! + after.perSecond) / 2
                rawRates.append(after.perSecond)
                ratios.append(group.perSecond / baseline)
                Console.print("round \(round): " + group.name.padding(to: 56) + String(format: "%.0f", group.perSecond).padding(to: 14)
                              + String(format: "%.2f× sign (raw %.0f before, %.0f after)", ratios.last!, rawRates[rawRates.count - 2], after.perSecond))
            }
            Console.print(String(format: "median of %d rounds: %.2f× raw Ed25519 signing", ratios.count, ratios.sorted()[ratios.count / 2]))
            return .success
        }
        if focus == .issue {
            let license = License(iss: key.publicKey.thumbprint, cert: "c", seats: SerialRange(1, 2), customer: "bench", country: "DE",
                                  territory: ["DE"], product: "cad", features: ["export"], model: "perpetual",
                                  price: Price(currency: "EUR", amount: 500), iat: 1, nbf: 1, exp: nil, logIndex: 1, jti: "j")
            let encodePayload = try measure("encode a license payload (canonical JSON)", seconds: seconds) { _ = try license.encodedPayload() }
            let signObject = try measure("sign a license object (JSON + JWS)", seconds: seconds) { _ = try SignedLicense.sign(license, with: key) }
            let memoryIssue = try issuanceRate("issue license (in-memory store)", path: ":memory:", seconds: seconds)
            printAgainstSign([rawSign, encodePayload, signObject, memoryIssue], rawSign: rawSign)
            return .success
        }
        // Verification of the depth-3 test vector chain: cold (every signature) and warm (cached chain).
        let vector = try VectorGenerator().vectors().first { $0.name == "valid-chain-depth-3" }!
        let anchor = TrustAnchor(publicKey: try Ed25519PublicKey(rawRepresentation: Base64URL.decode(vector.anchor)))
        let file = LicenseFile(chain: vector.chain, license: vector.license)
        let cold = LicenseVerifier(anchor: anchor)
        let warm = LicenseVerifier(anchor: anchor, cache: VerifiedCertificateCache())
        let coldVerify = try measure("verify license, cold (3 signatures)", seconds: seconds) { _ = try cold.verify(file, at: vector.now) }
        let warmVerify = try measure("verify license, warm (cached chain)", seconds: seconds) { _ = try warm.verify(file, at: vector.now) }

        let memoryIssue = try issuanceRate("issue license (in-memory store)", path: ":memory:", seconds: seconds)
        let durableIssue = try issuanceRate("issue license (SQLite file, fsync each)", path: scratch.appendingPathComponent("bench.sqlite").path, seconds: seconds)
        let groupCommitIssue = try groupIssue()

        Console.print("operation".padding(to: 64) + "per second".padding(to: 14) + "vs raw")
        for (m, base) in [(rawSign, rawSign), (rawVerify, rawVerify), (coldVerify, rawVerify), (warmVerify, rawVerify),
                          (memoryIssue, rawSign), (durableIssue, rawSign), (groupCommitIssue, rawSign)] {
            let ratio = String(format: "%.2f× %@", m.perSecond / base.perSecond, base.name.contains("sign") ? "sign" : "verify")
            Console.print(m.name.padding(to: 64) + String(format: "%.0f", m.perSecond).padding(to: 14) + ratio)
        }
        return .success
    }

    /// Callers in the group-commit measurement by default: enough to keep batches large.
    static let groupCommitCallers = 64

    /// Rounds of `--only group`, each between two raw-signing measurements.
    static let groupRounds = 3

    static func printAgainstSign(_ measurements: [Measurement], rawSign: Measurement) {
        for measurement in measurements {
            Console.print(measurement.name.padding(to: 64) + String(format: "%.0f", measurement.perSecond).padding(to: 14)
                          + String(format: "%.2f× sign", measurement.perSecond / rawSign.perSecond))
        }
    }

    /// A node holding a large certificate, ready to sell.
    static func sellingNode(path: String) throws -> (LicensingNode, LicenseRequest) {
        let root = try Ed25519PrivateKey()
        let agent = try Ed25519PrivateKey()
        let anchor = TrustAnchor(publicKey: root.publicKey)
        let rootNode = LicensingNode(identity: NodeIdentity(name: "root", key: root, anchor: anchor),
                                     store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        let now = TimeArgument.now
        var request = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agent.publicKey.rawRepresentation))
        request.count = 10_000_000
        request.countries = ["DE"]
        request.products = ["cad": ["export"]]
        request.models = ["perpetual"]
        request.priceFloor = ["EUR": 100]
        let chain = try rootNode.delegate(request, at: now)
        let node = LicensingNode(identity: NodeIdentity(name: "agent", key: agent, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: path)))
        try node.accept(chain: chain.chain, at: now)
        return (node, LicenseRequest(customer: "bench", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 500)))
    }

    static func issuanceRate(_ name: String, path: String, seconds: Double) throws -> Measurement {
        let (node, sale) = try sellingNode(path: path)
        let now = TimeArgument.now
        return try measure(name, seconds: seconds) { _ = try node.issue(sale, at: now) }
    }

    /// Durable issuance as the server does it: `threads` callers hand sales to the node's executor,
    /// which plans whatever queued up on its thread, signs it on all cores and commits it together
    /// (one fsync per batch).
    static func groupCommitRate(_ name: String, path: String, threads: Int, seconds: Double) throws -> Measurement {
        let (node, sale) = try sellingNode(path: path)
        return try groupCommitRate(name, node: node, sale: sale, threads: threads, seconds: seconds)
    }

    /// The same, for a `node` set up by the caller, selling `sale`.
    static func groupCommitRate(_ name: String, node: LicensingNode, sale: LicenseRequest, threads: Int, seconds: Double) throws -> Measurement {
        let executor = NodeExecutor(node: node)
        defer { executor.stop() }
        let now = TimeArgument.now
        let issued = Mutex(0)
        let failures = Mutex<[String]>([])
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        // Plain threads, not concurrentPerform: its width is the core count, and callers mostly wait.
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                var mine = 0
                while DispatchTime.now().uptimeNanoseconds < deadline {
                    do {
                        _ = try executor.issue(sale, at: now)
                        mine += 1
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                        break
                    }
                }
                issued.withLock { $0 += mine }
                done.leave()
            }
        }
        done.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let failure = failures.withLock({ $0.first }) { throw CommandFailure("issuance failed: \(failure)") }
        let batches = executor.statistics.batches
        return Measurement(name: name + String(format: ", %.1f per fsync", Double(issued.withLock { $0 }) / Double(max(batches, 1))),
                           perSecond: Double(issued.withLock { $0 }) / elapsed)
    }
}
