import Foundation
import TollgateTestSupport

/// A directory of stand-in commands (`swift`, `dpkg-query`, `apt-get`, `sudo`) put first on PATH,
/// so the Deploy scripts' own logic runs without a build, a package manager or root. Each stand-in
/// appends its arguments to calls.log; what `swift` prints and returns comes from the environment.
struct FakeTools {
    let directory: TemporaryDirectory

    /// `installed` packages are reported installed by `dpkg-query`, every other one missing.
    init(installed: [String]) throws {
        directory = try TemporaryDirectory("fake-tools")
        let log = directory.path("calls.log")
        try write("swift", """
            echo "swift $*" >> '\(log)'
            case $1 in
                build) printf '%b' "${FAKE_BUILD_OUTPUT:-Build complete!\\n}"; exit "${FAKE_BUILD_STATUS:-0}" ;;
                test) echo "tests ran"; exit "${FAKE_TEST_STATUS:-0}" ;;
            esac
            """)
        try write("dpkg-query", """
            echo "dpkg-query $*" >> '\(log)'
            case " \(installed.joined(separator: " ")) " in
                *" ${!#} "*) printf 'install ok installed' ;;
                *) exit 1 ;;
            esac
            """)
        try write("apt-get", "echo \"apt-get $*\" >> '\(log)'")
        try write("sudo", "echo \"sudo $*\" >> '\(log)'\n\"$@\"")
    }

    private func write(_ name: String, _ body: String) throws {
        let path = directory.path(name)
        try ("#!/usr/bin/env bash\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// The stand-ins' calls so far, one a line.
    var calls: [String] {
        ((try? String(contentsOfFile: directory.path("calls.log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Runs `script` (relative to the package root) with the stand-ins first on PATH.
    func run(_ script: String, in package: URL, environment: [String: String] = [:]) throws -> ScriptRun {
        let process = Process()
        process.executableURL = package.appendingPathComponent(script)
        var variables = ProcessInfo.processInfo.environment
        variables["PATH"] = directory.url.path + ":" + (variables["PATH"] ?? "/usr/bin:/bin")
        variables["TMPDIR"] = directory.url.path
        variables["TOLLGATE_FUZZ_SECONDS"] = "0"
        variables.merge(environment) { $1 }
        process.environment = variables
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ScriptRun(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
