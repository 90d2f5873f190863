import Foundation
import Glibc
import Testing
import TollgateTestSupport

extension EndToEnd {
    /// The Debian packages of Deploy/package.sh (issue 21, point 5), installed into this machine
    /// with `dpkg -i` and removed with `dpkg -r` at the end: a node starts from the command line
    /// of the installed unit file, and the C example compiles against the installed library with
    /// pkg-config. The packages hold the suite's debug build (nothing is rebuilt), whose tollgate
    /// links the toolchain's Swift runtime; a release package links it statically.
    @Suite(.enabled(if: PackageMachine.whyNot.isEmpty, "\(PackageMachine.whyNot)"), .serialized)
    struct DebianPackageTests {
        static let unit = "/lib/systemd/system/tollgate-node.service"

        @Test func packagesInstallServeANodeAndLinkTheCExample() throws {
            let scratch = try TemporaryDirectory("debian-package")
            let bin = URL(fileURLWithPath: TollgateBinary.path).deletingLastPathComponent().path
            let script = TollgateBinary.packageRoot.appendingPathComponent("Deploy/package.sh").path
            let built = try LibraryProcess.run(script, ["--out", scratch.path("debs"), "-c", "debug", "--bin-path", bin])
            try #require(built.status == 0, "\(built.output)")
            let debs = built.output.split(separator: "\n").map(String.init).filter { $0.hasSuffix(".deb") }
            #expect(debs.count == 2, "\(built.output)")

            let installed = try LibraryProcess.run("/usr/bin/env", ["dpkg", "-i"] + debs)
            defer {
                let removed = try? LibraryProcess.run("/usr/bin/env", ["dpkg", "-r", "tollgate", "libtollgate"])
                #expect(removed?.status == 0, "\(removed?.output ?? "dpkg -r did not run")")
                for path in ["/usr/bin/tollgate", "/usr/include/tollgate.h", Self.unit] {
                    #expect(!FileManager.default.fileExists(atPath: path), "\(path) is left after dpkg -r")
                }
                // dpkg -r keeps the conffile /etc/tollgate/node.env, as it should; the machine gets it back clean.
                let purged = try? LibraryProcess.run("/usr/bin/env", ["dpkg", "--purge", "tollgate", "libtollgate"])
                #expect(purged?.status == 0, "\(purged?.output ?? "dpkg --purge did not run")")
            }
            try #require(installed.status == 0, "\(installed.output)")
            #expect(PackageMachine.installed("tollgate") && PackageMachine.installed("libtollgate"))
            let manual = try LibraryProcess.run("/bin/sh", ["-c", "gzip -dc /usr/share/man/man1/tollgate.1.gz"])
            #expect(manual.output.contains(".SH \"TOLLGATE NODE\"") && manual.output.contains("serve"), "\(manual.output.prefix(2000))")

            try servesANodeFromTheUnitsCommandLine(in: scratch)
            try linksTheCExampleWithPkgConfig(in: scratch)
        }

        /// The installed unit's ExecStart, its settings read from its EnvironmentFile, with the
        /// node directory a temporary one and the port any free one (the default, 7401, may be
        /// taken on a shared machine): the node starts and answers on loopback.
        private func servesANodeFromTheUnitsCommandLine(in scratch: TemporaryDirectory) throws {
            let unit = try SystemdUnit(contentsOf: Self.unit)
            let settings = try SystemdUnit.environment(contentsOf: try #require(unit.value(of: "EnvironmentFile")))
            var command = try SystemdUnit.words(of: try #require(unit.value(of: "ExecStart")), environment: settings)
            try #require(command.first == "/usr/bin/tollgate", "\(command)")
            let directory = try #require(unit.value(of: "ConditionPathExists")).replacingOccurrences(of: "/node.json", with: "")
            let node = scratch.path("node"), portFile = scratch.path("port")
            try #require(command.contains(directory), "ExecStart does not serve \(directory): \(command)")
            command = command.map { $0 == directory ? node : $0 }
            let port = try #require(command.firstIndex(of: "--port"), "\(command)") + 1
            #expect(command[port] == settings["TOLLGATE_PORT"], "\(command)")
            command[port] = "0"
            command += ["--port-file", portFile]

            let vendor = scratch.path("vendor")
            for step in [["root", "init", "--dir", vendor, "--name", "vendor"],
                         ["node", "init", "--dir", node, "--name", "packaged", "--anchor", vendor + "/anchor.pub"]] {
                let outcome = try LibraryProcess.run(command[0], step)
                try #require(outcome.status == 0, "tollgate \(step.joined(separator: " ")): \(outcome.output)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            _ = FileManager.default.createFile(atPath: scratch.path("serve.log"), contents: nil)
            let log = try #require(FileHandle(forWritingAtPath: scratch.path("serve.log")))
            process.standardOutput = log
            process.standardError = log
            try process.run()
            defer {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
            }
            let serveLog = { (try? String(contentsOfFile: scratch.path("serve.log"), encoding: .utf8)) ?? "" }
            let deadline = ContinuousClock.now + .seconds(30)
            var listening = 0
            while listening == 0, ContinuousClock.now < deadline, process.isRunning {
                listening = Int(((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                if listening == 0 { Thread.sleep(forTimeInterval: 0.05) }
            }
            try #require(listening > 0, "the node did not listen: \(command.joined(separator: " "))\n\(serveLog())")
            let host = try #require(settings["TOLLGATE_HOST"])
            let health = try LibraryProcess.run("/usr/bin/env", ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://\(host):\(listening)/healthz"])
            #expect(health.output == "200", "\(health.output)\n\(serveLog())")
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(serveLog())")
        }

        /// `cc check-license.c $(pkg-config --cflags --libs tollgate)`, as the example's comment
        /// says, against the installed header and library; it gives a vector's verdict and rule.
        private func linksTheCExampleWithPkgConfig(in scratch: TemporaryDirectory) throws {
            let program = scratch.path("check-license")
            let source = LibraryInstall.examples + "/check-license.c"
            let compiled = try LibraryProcess.run("/bin/sh", ["-c", "cc -Wall -Werror \"$1\" $(pkg-config --cflags --libs tollgate) -o \"$2\"", "sh", source, program])
            try #require(compiled.status == 0, "\(compiled.output)")
            let linked = try LibraryProcess.run("/usr/bin/env", ["ldd", program])
            // The installed library, by the loader's cache (/lib is /usr/lib on a merged-/usr system).
            let loaded = linked.output.split(separator: "\n").first { $0.contains("libtollgate.so.0 => ") }
                .flatMap { $0.split(separator: " ").dropFirst(2).first }.map { URL(fileURLWithPath: String($0)).resolvingSymlinksInPath().path }
            #expect(loaded?.hasPrefix("/usr/lib/") == true, "\(linked.output)")
            let good = try LibraryVector("valid-with-activation")
            let valid = try LibraryProcess.run(program, good.arguments)
            #expect(valid.status == 0 && valid.fields["status"] == "ok", "\(valid.output)")
            let late = try LibraryVector("expired")
            let expired = try LibraryProcess.run(program, late.arguments)
            #expect(expired.status == 1 && expired.fields["rule"] == late.expect.rule, "\(expired.output)")
        }
    }
}
