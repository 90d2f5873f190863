import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateVectors

/// `tollgate-bench library`: verifications per second through libtollgate's C ABI against the same
/// verification in Swift, in the same run (issue 21: goal C ÷ Swift ≥ 0.95). The C side is
/// Deploy/libtollgate/bench-verify.c, compiled here with `cc` against an installed library and
/// kept running between rounds, so a round times the calls alone.
enum LibraryBenchCommand: Command {
    static let spec = CommandSpec(
        name: "library",
        abstract: "Measure verifications per second through libtollgate's C ABI against the Swift verifier, in the same run.",
        discussion: "Install the library first: Deploy/build-libtollgate.sh --prefix DIR (release), and build this tool with "
            + "'swift build -c release'. Rates are per second of processor time. Rounds alternate which side goes first, each after raw Ed25519 verifications, and the "
            + "median ratio is quoted.",
        options: [prefix.required, BenchOptions.seconds.with(help: "Time per measurement (default 1)."), rounds])

    static let prefix = Option<String>("prefix", value: "directory", help: "Where Deploy/build-libtollgate.sh installed libtollgate.")
    static let rounds = Option<Int>("rounds", value: "n", help: "Rounds of both measurements (default 5).", range: 1...100)

    /// The goal the issue sets for C ÷ Swift.
    static let goal = 0.95
    /// The vector verified: a depth-2 chain, a license and an activation bound to a machine.
    static let vectorName = "valid-with-activation"
    /// The package's root, where the C program's source lives (a benchmark runs from a checkout).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let prefix = URL(fileURLWithPath: try arguments.value(Self.prefix) ?? "").standardizedFileURL
        let seconds = Double(try arguments.value(BenchOptions.seconds) ?? 1)
        let roundCount = try arguments.value(Self.rounds) ?? 5
        let library = prefix.appendingPathComponent("lib/libtollgate.so")
        let archive = prefix.appendingPathComponent("lib/libtollgate.a")
        guard FileManager.default.fileExists(atPath: library.path), FileManager.default.fileExists(atPath: archive.path) else {
            throw CommandFailure("no libtollgate in \(prefix.path): run Deploy/build-libtollgate.sh --prefix \(prefix.path) first")
        }
        let source = packageRoot.appendingPathComponent("Deploy/libtollgate/bench-verify.c")
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw CommandFailure("\(source.path) is missing: run tollgate-bench from the checkout it was built in")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-bench-library-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // The same license, activation and machine for both sides, as files for the C side.
        guard let vector = try VectorGenerator().vectors().first(where: { $0.name == vectorName }),
              let activation = vector.activation, let machineKey = vector.machineKey else {
            throw CommandFailure("the vector \(vectorName) with an activation is missing")
        }
        let vendorKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(vector.anchor))
        let file = LicenseFile(chain: vector.chain, license: vector.license)
        let machine = MachineIdentity(machineKey: machineKey)
        let keyPath = scratch.appendingPathComponent("vendor.pem"), licensePath = scratch.appendingPathComponent("license.json")
        let activationPath = scratch.appendingPathComponent("activation.jws")
        try vendorKey.pemRepresentation.write(to: keyPath, atomically: true, encoding: .utf8)
        try file.encoded().write(to: licensePath)
        try (activation + "\n").write(to: activationPath, atomically: true, encoding: .utf8)

        let program = scratch.appendingPathComponent("bench-verify").path
        try compile(source.path, prefix: prefix.path, into: program)
        let c = try CVerifier(program: program, arguments: [keyPath.path, licensePath.path, activationPath.path, machineKey, String(vector.now)])
        defer { c.stop() }

        // The work tollgate_verify does for a handle opened on license files, without the C ABI.
        let anchor = TrustAnchor(publicKey: vendorKey)
        let swiftVerify = { () throws in
            _ = try LicenseVerifier(anchor: anchor).verify(file, at: vector.now, revocations: [], activation: activation, machine: machine)
        }
        try swiftVerify()
        let signatures = vector.chain.count + 2
        let rawKey = try Ed25519PrivateKey()
        let message = Array(repeating: UInt8(7), count: 600)  // about the size of a license's signing input
        let signature = try rawKey.signature(for: message)
        let rawVerify = { () in _ = rawKey.publicKey.isValidSignature(signature, for: message) }

        // Both sides are timed in processor time (the C program in its process's, Swift in this
        // thread's), so a round on a busy host does not count the waits for a core. Calls per
        // round: what Swift does in about `seconds`.
        let calls = max(100, Int(try cpuRate(calls: 200, swiftVerify) * seconds))
        _ = try c.rate(calls: calls / 10)  // warm up
        Console.print("verify \(vectorName) (\(signatures) Ed25519 signatures: \(vector.chain.count) certificates, license, activation), "
                      + "\(calls) calls a round, per CPU second")
        Console.print("round".padding(to: 8) + "raw verify/s".padding(to: 14) + "Swift/s".padding(to: 12) + "C ABI/s".padding(to: 12)
                      + "Ed25519 share".padding(to: 15) + "C÷Swift")
        var ratios: [Double] = []
        for round in 1...roundCount {
            let raw = cpuRate(calls: calls * signatures, rawVerify)
            // Odd rounds measure Swift first, even rounds C, so a host whose speed drifts favours neither.
            var swift = 0.0, cABI = 0.0
            if round % 2 == 1 {
                swift = try cpuRate(calls: calls, swiftVerify)
                cABI = try c.rate(calls: calls)
            } else {
                cABI = try c.rate(calls: calls)
                swift = try cpuRate(calls: calls, swiftVerify)
            }
            ratios.append(cABI / swift)
            Console.print("\(round)".padding(to: 8) + String(format: "%.0f", raw).padding(to: 14) + String(format: "%.0f", swift).padding(to: 12)
                          + String(format: "%.0f", cABI).padding(to: 12) + String(format: "%.2f", swift * Double(signatures) / raw).padding(to: 15)
                          + String(format: "%.3f", ratios.last!))
        }
        let median = ratios.sorted()[ratios.count / 2]
        Console.print("Ed25519 share: Swift's rate × \(signatures) signatures ÷ the raw verify rate, the part of a verification spent in Ed25519")
        Console.print(String(format: "median C÷Swift of %d rounds: %.3f (goal ≥ %.2f: %@)", ratios.count, median, goal, median >= goal ? "met" : "missed"))
        for (name, url) in [("shared library", library), ("static library", archive)] {
            let resolved = url.resolvingSymlinksInPath()
            let size = (try FileManager.default.attributesOfItem(atPath: resolved.path)[.size] as? NSNumber)?.intValue ?? 0
            Console.print("\(name) \(resolved.lastPathComponent): " + String(format: "%.1f MB", Double(size) / 1_000_000) + " (\(size) bytes)")
        }
        return median >= goal ? .success : .invalid
    }

    /// Calls per second of processor time of this thread over `calls` calls of `body`.
    static func cpuRate(calls: Int, _ body: () throws -> Void) rethrows -> Double {
        let start = threadCPUNanoseconds()
        for _ in 0..<calls { try body() }
        return Double(calls) / (Double(max(1, threadCPUNanoseconds() - start)) / 1e9)
    }

    static func threadCPUNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// Compiles the C program against the installed header and library, optimized as a product would be.
    static func compile(_ source: String, prefix: String, into program: String) throws {
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        cc.arguments = ["cc", "-O2", "-Wall", "-Wextra", "-Werror", source, "-I\(prefix)/include", "-L\(prefix)/lib", "-ltollgate",
                        "-Wl,-rpath,\(prefix)/lib", "-o", program]
        try cc.run()
        cc.waitUntilExit()
        guard cc.terminationStatus == 0 else {
            throw CommandFailure("cc could not build \(source) against \(prefix) (exit \(cc.terminationStatus))")
        }
    }
}
