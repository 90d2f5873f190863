import Foundation

/// libtollgate as a customer gets it: Deploy/build-libtollgate.sh run once per test process over
/// the suite's own debug build (nothing is rebuilt), into a prefix, and the C example compiled
/// with `cc` against the installed header and library, shared and static.
struct LibraryInstall: Sendable {
    let prefix: String
    /// Deploy/libtollgate/check-license.c linked with libtollgate.so.
    let sharedProgram: String
    /// The same program linked with libtollgate.a.
    let staticProgram: String

    var library: String { prefix + "/lib/libtollgate.so" }
    var header: String { prefix + "/include/tollgate.h" }
    var archive: String { prefix + "/lib/libtollgate.a" }
    var pkgConfig: String { prefix + "/lib/pkgconfig/tollgate.pc" }
    static var pythonExample: String { examples + "/check_license.py" }
    static var exports: String { TollgateBinary.packageRoot.appendingPathComponent("Sources/TollgateC/tollgate.exports").path }
    static let examples = TollgateBinary.packageRoot.appendingPathComponent("Deploy/libtollgate").path

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether `cc` is there to build the C example; the tests that need it are skipped without.
    static let hasCompiler = (try? LibraryProcess.run("/bin/sh", ["-c", "command -v cc"]).status) == 0

    /// Built on first use; every test of the process shares it.
    static let shared: Result<LibraryInstall, Failure> = Result { () throws(Failure) in try LibraryInstall() }

    static func get() throws -> LibraryInstall { try shared.get() }

    private init() throws(Failure) {
        let temporary = FileManager.default.temporaryDirectory
        Self.removeLeftovers(in: temporary)
        prefix = temporary.appendingPathComponent("tollgate-libtollgate-\(getpid())").path
        try? FileManager.default.removeItem(atPath: prefix)
        // The objects of the running test build: the tests sit in the same directory as the products.
        let bin = URL(fileURLWithPath: TollgateBinary.path).deletingLastPathComponent().path
        let script = TollgateBinary.packageRoot.appendingPathComponent("Deploy/build-libtollgate.sh").path
        try Self.check(script, ["--prefix", prefix, "-c", "debug", "--bin-path", bin])
        sharedProgram = prefix + "/bin/check-license"
        staticProgram = prefix + "/bin/check-license-static"
        try? FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        let source = Self.examples + "/check-license.c"
        try Self.check("/usr/bin/env", ["cc", "-Wall", "-Wextra", "-Werror", source, "-I\(prefix)/include", "-L\(prefix)/lib", "-ltollgate",
                                        "-Wl,-rpath,\(prefix)/lib", "-o", sharedProgram])
        try Self.check("/usr/bin/env", ["cc", "-Wall", "-Wextra", "-Werror", source, "-I\(prefix)/include", "\(prefix)/lib/libtollgate.a",
                                        "-lcrypto", "-lstdc++", "-lm", "-lpthread", "-ldl", "-o", staticProgram])
    }

    // MARK: Sanitizers

    /// Deploy/libtollgate/verify-threads.c linked with this install's shared library by
    /// `cc -fsanitize=leak`: LeakSanitizer sees every allocation of the library, which needs no
    /// instrumentation for it. Built on first use.
    static let leakCheckedProgram: Result<String, Failure> = Result { () throws(Failure) in
        let install = try shared.get()
        let program = install.prefix + "/bin/verify-threads-lsan"
        try check("/usr/bin/env", ["cc", "-Wall", "-Wextra", "-Werror", "-g", "-fsanitize=leak", "-pthread", examples + "/verify-threads.c",
                                   "-I\(install.prefix)/include", "-L\(install.prefix)/lib", "-ltollgate", "-Wl,-rpath,\(install.prefix)/lib",
                                   "-o", program])
        return program
    }

    /// The same program built by the Swift toolchain's clang with `-fsanitize=thread` against
    /// libtollgate built for ThreadSanitizer (`build-libtollgate.sh --sanitize thread`, debug, in
    /// its own scratch directory: about a minute the first time, seconds once built), so the
    /// library's Swift code is instrumented too. The TSan runtime's libdispatch interceptors need
    /// the toolchain's libdispatch. Built on first use.
    static let threadSanitizedProgram: Result<String, Failure> = Result { () throws(Failure) in
        let install = try shared.get()
        let prefix = install.prefix + "/thread-sanitized"
        let script = TollgateBinary.packageRoot.appendingPathComponent("Deploy/build-libtollgate.sh").path
        try check(script, ["--prefix", prefix, "-c", "debug", "--sanitize", "thread"])
        let toolchain = try toolchainDirectory()
        let runtime = toolchain + "/../lib/swift/linux"
        let program = prefix + "/bin/verify-threads-tsan"
        try? FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try check(toolchain + "/clang", ["-Wall", "-Wextra", "-Werror", "-g", "-O1", "-fsanitize=thread", "-pthread", examples + "/verify-threads.c",
                                         "-I\(prefix)/include", "-L\(prefix)/lib", "-ltollgate", "-Wl,-rpath,\(prefix)/lib",
                                         "-L\(runtime)", "-ldispatch", "-lBlocksRuntime", "-Wl,-rpath,\(runtime)", "-o", program])
        return program
    }

    /// The directory of the Swift toolchain's binaries (swiftc, clang).
    private static func toolchainDirectory() throws(Failure) -> String {
        let outcome: LibraryProcess.Outcome
        do {
            outcome = try LibraryProcess.run("/bin/sh", ["-c", "dirname \"$(readlink -f \"$(command -v swiftc)\")\""])
        } catch {
            throw Failure(description: "cannot look for swiftc: \(error)")
        }
        let directory = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard outcome.status == 0, FileManager.default.isExecutableFile(atPath: directory + "/clang") else {
            throw Failure(description: "the Swift toolchain's clang is not next to swiftc (\(directory)): \(outcome.output)")
        }
        return directory
    }

    private static func check(_ executable: String, _ arguments: [String]) throws(Failure) {
        let outcome: LibraryProcess.Outcome
        do {
            outcome = try LibraryProcess.run(executable, arguments)
        } catch {
            throw Failure(description: "cannot run \(executable): \(error)")
        }
        guard outcome.status == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) exited \(outcome.status)\n\(outcome.output)")
        }
    }

    /// Prefixes of test processes that have ended (each is about 250 MB of debug build).
    private static func removeLeftovers(in directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix("tollgate-libtollgate-") {
            guard let pid = Int32(name.dropFirst("tollgate-libtollgate-".count)), kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}
