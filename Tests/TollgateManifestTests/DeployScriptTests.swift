import Foundation
import Testing

/// Deploy/test.sh fails exactly when the build fails, warns in our code or a test fails, and keeps
/// its logs in a fresh directory it names; Deploy/setup-system.sh calls apt only for what is missing.
@Suite struct DeployScriptTests {
    static let package = ManifestTests.packageDirectory
    static let systemPackages = ["libssl-dev", "libcurl4-openssl-dev", "libsqlite3-dev", "openssl", "curl", "sqlite3", "python3", "tmux", "pkg-config",
                                 "chromium", "chromium-driver", "python3-selenium", "python3-cryptography"]

    @Test func aBuildThatFailsWithoutSayingErrorFailsTheRun() throws {
        let tools = try FakeTools(installed: Self.systemPackages)
        let run = try tools.run("Deploy/test.sh", in: Self.package, environment: ["FAKE_BUILD_OUTPUT": "Killed\\n", "FAKE_BUILD_STATUS": "137"])
        #expect(run.status != 0, "\(run.output)")
        #expect(!tools.calls.contains { $0.hasPrefix("swift test") }, "tests ran after a failed build")
        let logs = try #require(run.logDirectory, "\(run.output)")
        #expect(try String(contentsOfFile: logs + "/build.log", encoding: .utf8) == "Killed\n")
    }

    @Test func aWarningInOurCodeFailsTheRunAndOneInBuildDoesNot() throws {
        let tools = try FakeTools(installed: Self.systemPackages)
        let ours = try tools.run("Deploy/test.sh", in: Self.package,
                                 environment: ["FAKE_BUILD_OUTPUT": "/src/Sources/A/B.swift:1:2: warning: never used\\nBuild complete!\\n"])
        #expect(ours.status != 0)
        #expect(ours.output.contains("/src/Sources/A/B.swift:1:2: warning: never used"), "\(ours.output)")
        let generated = try tools.run("Deploy/test.sh", in: Self.package,
                                      environment: ["FAKE_BUILD_OUTPUT": "/src/.build/x/C.swift:1:2: warning: generated\\nBuild complete!\\n"])
        #expect(generated.status == 0, "\(generated.output)")
    }

    @Test func aFailingTestFailsTheRunAndEachRunLogsToAFreshDirectory() throws {
        let tools = try FakeTools(installed: Self.systemPackages)
        let failed = try tools.run("Deploy/test.sh", in: Self.package, environment: ["FAKE_TEST_STATUS": "1"])
        #expect(failed.status != 0, "\(failed.output)")
        let passed = try tools.run("Deploy/test.sh", in: Self.package)
        #expect(passed.status == 0, "\(passed.output)")
        let first = try #require(failed.logDirectory), second = try #require(passed.logDirectory)
        #expect(first != second)
        #expect(try String(contentsOfFile: second + "/test.log", encoding: .utf8) == "tests ran\n")
        #expect(passed.output.hasSuffix("== logs in \(second)\n"), "the log directory is named last too")
    }

    @Test func setupCallsAptOnlyForMissingPackages() throws {
        let complete = try FakeTools(installed: Self.systemPackages)
        let again = try complete.run("Deploy/setup-system.sh", in: Self.package)
        #expect(again.status == 0 && again.output.isEmpty, "\(again.output)")
        #expect(!complete.calls.contains { $0.hasPrefix("apt-get") || $0.hasPrefix("sudo") })

        let lacking = try FakeTools(installed: Self.systemPackages.filter { $0 != "sqlite3" })
        let first = try lacking.run("Deploy/setup-system.sh", in: Self.package)
        #expect(first.status == 0, "\(first.output)")
        let installs = lacking.calls.filter { $0.hasPrefix("apt-get install") }
        #expect(installs.count == 1 && installs[0].hasSuffix(" sqlite3"), "\(lacking.calls)")
    }
}
