import Foundation
import Testing
import TollgateCertificates

extension EndToEnd {
    /// libtollgate as C and Python code meet it (issue 21): the installed library and header, the
    /// example programs of Deploy/libtollgate, and the test vectors each with the verifier's rule.
    @Suite(.enabled(if: LibraryInstall.hasCompiler, "cc is not installed: the C library cannot be built or linked"))
    struct LibraryABITests {
        /// The C example, linked with the shared library, gives each vector's verdict and rule.
        @Test(arguments: LibraryVector.checked)
        func cProgramGivesEachVectorsVerdict(_ name: String) throws {
            let install = try LibraryInstall.get()
            try expectVerdict(of: LibraryVector(name), from: install.sharedProgram, [])
        }

        /// The same through ctypes from Python.
        @Test(arguments: LibraryVector.checked)
        func pythonProgramGivesEachVectorsVerdict(_ name: String) throws {
            let install = try LibraryInstall.get()
            try expectVerdict(of: LibraryVector(name), from: "/usr/bin/env", ["python3", LibraryInstall.pythonExample],
                              environment: ["TOLLGATE_LIBRARY": install.library])
        }

        /// The static library gives the same verdicts with the runtime linked into the program.
        @Test func staticLibraryGivesTheSameVerdicts() throws {
            let install = try LibraryInstall.get()
            for name in ["valid-with-activation", "machine-mismatch", "expired"] {
                try expectVerdict(of: LibraryVector(name), from: install.staticProgram, [])
            }
        }

        /// A license changed after signing fails with bad_signature, in C and in Python: the
        /// library checks the signature, it does not recognise known vectors.
        @Test func aLicenseTamperedWithFailsItsSignature() throws {
            let install = try LibraryInstall.get()
            let vector = try LibraryVector("valid-with-activation", tamper: LibraryVector.flipSignature)
            let c = try LibraryProcess.run(install.sharedProgram, vector.arguments)
            let python = try LibraryProcess.run("/usr/bin/env", ["python3", LibraryInstall.pythonExample] + vector.arguments,
                                                environment: ["TOLLGATE_LIBRARY": install.library])
            for outcome in [c, python] {
                #expect(outcome.status == 1, "\(outcome.output)")
                #expect(outcome.fields["rule"] == VerificationError.Rule.badSignature.rawValue, "\(outcome.output)")
                #expect(outcome.fields["object"] == "license (\(vector.license.payload.customer))", "\(outcome.output)")
            }
        }

        /// State, days left and features follow the license's claims; an expired license reads as
        /// expired, with its rule.
        @Test func stateDaysLeftAndFeaturesFollowTheLicense() throws {
            let install = try LibraryInstall.get()
            let vector = try LibraryVector("valid-with-activation")
            let claims = vector.license.payload
            let exp = try #require(claims.exp)
            let granted = try #require(claims.features.first)
            let daysLeft = (exp - vector.now) / 86_400
            let active = try LibraryProcess.run(install.sharedProgram, ["--feature", granted, "--feature", "not-a-feature"] + vector.arguments)
            #expect(active.status == 0, "\(active.output)")
            #expect(active.fields["state"] == "active", "\(active.output)")
            #expect(active.fields["days left"] == String(daysLeft), "\(active.output)")
            #expect(active.fields["feature \(granted)"] == "enabled", "\(active.output)")
            #expect(active.fields["feature not-a-feature"] == "disabled", "\(active.output)")

            let warned = try LibraryProcess.run(install.sharedProgram, ["--warning-days", String(daysLeft + 1)] + vector.arguments)
            #expect(warned.fields["state"] == "expiring", "\(warned.output)")

            let late = vector.arguments.map { $0 == String(vector.now) ? String(exp + 86_400) : $0 }
            let expired = try LibraryProcess.run(install.sharedProgram, late)
            #expect(expired.status == 1, "\(expired.output)")
            #expect(expired.fields["rule"] == VerificationError.Rule.expired.rawValue, "\(expired.output)")
            #expect(expired.fields["state"] == "expired", "\(expired.output)")
            #expect(expired.fields["days left"] == "0", "\(expired.output)")
        }

        /// The license's own warning window, grace period and downgrade give the state, the days
        /// left and the features, in C and in Python, as the vector expects (a warning window of 0
        /// from the caller leaves the license's own).
        @Test(arguments: LibraryVector.standings)
        func theLicensesExpiryBehaviourGivesStateAndFeatures(_ name: String) throws {
            let install = try LibraryInstall.get()
            let vector = try LibraryVector(name)
            let enabled = try #require(vector.expect.features)
            let options = ["--warning-days", "0", "--feature", "export", "--feature", "render"]
            let c = try LibraryProcess.run(install.sharedProgram, options + vector.arguments)
            let python = try LibraryProcess.run("/usr/bin/env", ["python3", LibraryInstall.pythonExample] + options + vector.arguments,
                                                environment: ["TOLLGATE_LIBRARY": install.library])
            for outcome in [c, python] {
                #expect(outcome.status == 0, "\(outcome.output)")
                #expect(outcome.fields["state"] == vector.expect.state, "\(outcome.output)")
                #expect(outcome.fields["days left"] == vector.expect.days_left.map(String.init) ?? "unlimited", "\(outcome.output)")
                for feature in ["export", "render"] {
                    #expect(outcome.fields["feature \(feature)"] == (enabled.contains(feature) ? "enabled" : "disabled"), "\(outcome.output)")
                }
            }
        }

        /// One file plus libcrypto: no Swift runtime or Foundation library is needed, nor libcurl,
        /// and only the header's functions are global symbols, of the shared and the static library.
        @Test func libraryNeedsNoSwiftRuntimeAndExportsOnlyTheHeader() throws {
            let install = try LibraryInstall.get()
            let ldd = try LibraryProcess.run("/usr/bin/env", ["ldd", install.library])
            #expect(ldd.status == 0, "\(ldd.output)")
            for needed in ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "libcurl", "libsqlite"] {
                #expect(!ldd.output.contains(needed), "ldd shows \(needed):\n\(ldd.output)")
            }
            #expect(ldd.output.contains("libcrypto"), "\(ldd.output)")

            let header = try String(contentsOfFile: install.header, encoding: .utf8)
            let declared = Set(Self.matches(of: #"\b(tollgate_[a-z_]+)\("#, in: header))
            #expect(declared.count >= 20)
            let exports = try String(contentsOfFile: LibraryInstall.exports, encoding: .utf8)
            #expect(Set(Self.matches(of: #"^\s*(tollgate_[a-z_]+);"#, in: exports)) == declared)

            let dynamic = try LibraryProcess.run("/usr/bin/env", ["nm", "-D", "--defined-only", install.library])
            #expect(Self.globalFunctions(dynamic.output) == declared, "\(dynamic.output)")
            let archive = try LibraryProcess.run("/usr/bin/env", ["nm", "-g", "--defined-only", install.archive])
            #expect(Self.globalFunctions(archive.output) == declared)

            let pc = try String(contentsOfFile: install.pkgConfig, encoding: .utf8)
            let version = try LibraryProcess.run("/usr/bin/env", ["python3", "-c",
                                                 "import ctypes,sys; l=ctypes.CDLL(sys.argv[1]); l.tollgate_version.restype=ctypes.c_char_p; print(l.tollgate_version().decode())",
                                                 install.library])
            let number = version.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(number.split(separator: ".").count == 3, "\(version.output)")
            #expect(pc.contains("\nVersion: \(number)\n"), "\(pc)")
            #expect(pc.contains("-ltollgate"), "\(pc)")
        }

        /// The header's status numbers are the library's: each `TOLLGATE_<NAME> n` reads back as
        /// `tollgate_status_name(n) == "<name>"`, and a number that is no status has no name.
        @Test func headerStatusNumbersAreTheLibrarys() throws {
            let install = try LibraryInstall.get()
            let header = try String(contentsOfFile: install.header, encoding: .utf8)
            let statuses = Self.statusDefinitions(in: header)
            #expect(statuses.count >= 15)
            let script = "import ctypes,sys\nl=ctypes.CDLL(sys.argv[1])\nl.tollgate_status_name.restype=ctypes.c_char_p\n"
                + "for n in range(-1, 40):\n    name=l.tollgate_status_name(n)\n    if name: print(f'{n}: {name.decode()}')\n"
            let names = try LibraryProcess.run("/usr/bin/env", ["python3", "-c", script, install.library])
            #expect(names.status == 0, "\(names.output)")
            let read = Dictionary(uniqueKeysWithValues: names.fields.compactMap { key, name in Int32(key).map { ($0, name) } })
            #expect(read == statuses, "\(names.output)")
        }

        /// A machine activated by files through the library: the Python example makes the wallet
        /// and the request, the agent answers it with `tollgate answer`, the example installs the
        /// response, and the C example verifies the wallet, which refuses another vendor's key.
        @Test func offlineActivationByFilesThroughTheLibrary() throws {
            let install = try LibraryInstall.get()
            let channel = try OfflineChannel("libtollgate")
            let license = channel.scratch.path("license.json"), wallet = channel.scratch.path("wallet")
            let request = channel.scratch.path("request.jws"), response = channel.scratch.path("response.json")
            try TollgateCLI.run(channel.issueArguments(out: license))
            let python = ["python3", LibraryInstall.examples + "/activate_offline.py"]
            let environment = ["TOLLGATE_LIBRARY": install.library]

            let requested = try LibraryProcess.run("/usr/bin/env", python + ["request", "--key", channel.anchor, "--wallet", wallet, "--product", "cad",
                                                                             "--license", license, "--country", "DE", "--out", request],
                                                   environment: environment)
            #expect(requested.status == 0, "\(requested.output)")
            try TollgateCLI.run(["answer", "--dir", channel.agent, "--out", response, request])
            let installed = try LibraryProcess.run("/usr/bin/env", python + ["install", "--key", channel.anchor, "--wallet", wallet, response],
                                                   environment: environment)
            #expect(installed.status == 0, "\(installed.output)")
            let activation = try SignedActivation(compact: String(contentsOfFile: wallet + "/activation.jws", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(requested.fields["fingerprint"] == activation.payload.fingerprint, "\(requested.output)")

            let checked = try LibraryProcess.run(install.sharedProgram, ["--feature", "render", channel.anchor, "--wallet", wallet])
            #expect(checked.status == 0, "\(checked.output)")
            #expect(checked.fields["state"] == "active", "\(checked.output)")
            #expect(checked.fields["days left"] == "unlimited", "perpetual: \(checked.output)")
            #expect(checked.fields["feature render"] == "enabled", "\(checked.output)")

            let stranger = try LibraryVector("valid-perpetual")
            let otherVendor = try LibraryProcess.run(install.sharedProgram, [stranger.directory.path("vendor.pem"), "--wallet", wallet])
            #expect(otherVendor.status == 1, "\(otherVendor.output)")
            #expect(otherVendor.fields["status"] == "wallet_conflict", "\(otherVendor.output)")
        }

        /// Calls out of order or with unusable arguments return a status and leave a message, and
        /// a buffer too small gets the length it needs; nothing crashes on NULL.
        @Test func misuseGetsAStatusAndAMessage() throws {
            let install = try LibraryInstall.get()
            let vector = try LibraryVector("valid-perpetual")
            let script = """
                import ctypes, sys
                l = ctypes.CDLL(sys.argv[1])
                l.tollgate_status_name.restype = ctypes.c_char_p
                l.tollgate_message.restype = ctypes.c_char_p
                l.tollgate_message.argtypes = [ctypes.c_void_p]
                for name in ["tollgate_verify", "tollgate_verify_license"]:
                    getattr(l, name).argtypes = [ctypes.c_void_p, ctypes.c_int64]
                l.tollgate_load_key_pem.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
                l.tollgate_load_key_file.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
                l.tollgate_open_license.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
                l.tollgate_machine_fingerprint.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
                h = ctypes.c_void_p()
                l.tollgate_create(ctypes.byref(h))
                def show(label, status):
                    print(f"{label}: {l.tollgate_status_name(status).decode()} | {l.tollgate_message(h).decode()}")
                show("null handle", l.tollgate_verify(None, -1))
                show("verify before a key", l.tollgate_verify(h, -1))
                show("not a key", l.tollgate_load_key_pem(h, b"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\\n"))
                show("key", l.tollgate_load_key_file(h, sys.argv[2].encode()))
                show("verify before a license", l.tollgate_verify_license(h, -1))
                show("missing license", l.tollgate_open_license(h, b"/nonexistent/license.json", None))
                show("license", l.tollgate_open_license(h, sys.argv[3].encode(), None))
                show("time before 1970", l.tollgate_verify_license(h, -5))
                show("verify without activation", l.tollgate_verify(h, int(sys.argv[4])))
                show("fingerprint without product", l.tollgate_machine_fingerprint(h, None, None, 0, None))
                full, short = ctypes.create_string_buffer(128), ctypes.create_string_buffer(4)
                length = ctypes.c_size_t()
                show("fingerprint", l.tollgate_machine_fingerprint(h, b"cad", full, 128, ctypes.byref(length)))
                print("fingerprint length:", len(full.value), length.value)
                length = ctypes.c_size_t()
                show("small buffer", l.tollgate_machine_fingerprint(h, b"cad", short, 4, ctypes.byref(length)))
                print("needed length:", length.value)
                l.tollgate_destroy(h)
                l.tollgate_destroy(None)
                """
            let outcome = try LibraryProcess.run("/usr/bin/env", ["python3", "-c", script, install.library, vector.directory.path("vendor.pem"),
                                                                   vector.directory.path("license.json"), String(vector.now)])
            #expect(outcome.status == 0, "\(outcome.output)")
            let fields = outcome.fields
            // "status | message", the message possibly empty.
            func part(_ label: String, _ index: Int) -> String? {
                let parts = fields[label]?.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false) ?? []
                return index < parts.count ? parts[index].trimmingCharacters(in: .whitespaces) : nil
            }
            func status(_ label: String) -> String? { part(label, 0) }
            func message(_ label: String) -> String { part(label, 1) ?? "" }
            #expect(status("null handle") == "invalid_argument", "\(outcome.output)")
            #expect(status("verify before a key") == "invalid_argument" && message("verify before a key").contains("public key"), "\(outcome.output)")
            #expect(status("not a key") == "malformed", "\(outcome.output)")
            #expect(status("key") == "ok" && message("key").isEmpty, "\(outcome.output)")
            #expect(status("verify before a license") == "invalid_argument", "\(outcome.output)")
            #expect(status("missing license") == "file_access" && message("missing license").contains("/nonexistent/license.json"), "\(outcome.output)")
            #expect(status("license") == "ok", "\(outcome.output)")
            #expect(status("time before 1970") == "invalid_argument", "\(outcome.output)")
            #expect(status("verify without activation") == "not_activated", "\(outcome.output)")
            #expect(status("fingerprint without product") == "invalid_argument", "\(outcome.output)")
            #expect(status("fingerprint") == "ok", "\(outcome.output)")
            let lengths = fields["fingerprint length"]?.split(separator: " ").map(String.init) ?? []
            #expect(lengths.count == 2 && lengths[0] == lengths[1] && lengths[0] != "0", "\(outcome.output)")
            #expect(status("small buffer") == "buffer_too_small", "\(outcome.output)")
            #expect(fields["needed length"] == lengths.first, "\(outcome.output)")
        }

        // MARK: Helpers

        private func expectVerdict(of vector: LibraryVector, from program: String, _ leading: [String],
                                   environment: [String: String] = [:]) throws {
            let outcome = try LibraryProcess.run(program, leading + vector.arguments, environment: environment)
            let fields = outcome.fields
            if vector.expect.valid {
                #expect(outcome.status == 0, "\(vector.name): \(outcome.output)")
                #expect(fields["status"] == "ok", "\(vector.name): \(outcome.output)")
            } else {
                #expect(outcome.status == 1, "\(vector.name): \(outcome.output)")
                #expect(fields["status"] == "verification_failed", "\(vector.name): \(outcome.output)")
                #expect(fields["rule"] == vector.expect.rule, "\(vector.name): \(outcome.output)")
                #expect(fields["object"] == vector.expect.object, "\(vector.name): \(outcome.output)")
            }
        }

        private static func matches(of pattern: String, in text: String) -> [String] {
            guard let expression = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return [] }
            let range = NSRange(text.startIndex..., in: text)
            return expression.matches(in: text, range: range).compactMap { match in
                Range(match.range(at: 1), in: text).map { String(text[$0]) }
            }
        }

        /// The global defined functions `nm` lists (`T name`, with any `@@VERSION` dropped).
        private static func globalFunctions(_ listing: String) -> Set<String> {
            Set(listing.split(separator: "\n").compactMap { line -> String? in
                let parts = line.split(separator: " ")
                guard parts.count == 3, parts[1] == "T" else { return nil }
                return String(parts[2].split(separator: "@").first ?? parts[2])
            })
        }

        /// `#define TOLLGATE_<NAME> <n>` status lines: the ones between TOLLGATE_OK and TOLLGATE_NOW.
        private static func statusDefinitions(in header: String) -> [Int32: String] {
            var statuses: [Int32: String] = [:]
            for line in header.split(separator: "\n") {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count >= 3, parts[0] == "#define", parts[1].hasPrefix("TOLLGATE_"), let number = Int32(parts[2]),
                      !parts[1].hasPrefix("TOLLGATE_STATE_") else { continue }
                statuses[number] = parts[1].dropFirst("TOLLGATE_".count).lowercased()
            }
            return statuses
        }
    }
}
