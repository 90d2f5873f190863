import Foundation
import Testing

extension EndToEnd {
    /// libtollgate's threading contract and "no leak" (issue 21, point 3), held by the sanitizers:
    /// Deploy/libtollgate/verify-threads.c verifies a vector's license, and a tampered one, from
    /// several threads at once, under ThreadSanitizer (library instrumented too) and LeakSanitizer.
    /// Each check is paired with a run that breaks the contract on purpose, which the sanitizer
    /// must catch: the clean verdicts are not the sanitizer failing to run.
    @Suite(.enabled(if: LibraryInstall.hasCompiler, "cc is not installed: the C library cannot be built or linked"))
    struct LibrarySanitizerTests {
        /// `TOLLGATE_LONG_TESTS=1` runs the 100,000 verify calls; CI runs 10,000 (about
        /// 40 s of a debug build under LeakSanitizer on two shared cores).
        static let long = ProcessInfo.processInfo.environment["TOLLGATE_LONG_TESTS"] == "1"
        static let leakCheckedCalls = long ? 100_000 : 10_000

        /// Eight threads, each with its own handle as tollgate.h asks, verify at once, good and
        /// tampered licenses, features and state: every verdict is right and ThreadSanitizer
        /// reports nothing.
        @Test func eightThreadsVerifyAtOnceWithoutADataRace() throws {
            let program = try LibraryInstall.threadSanitizedProgram.get()
            let outcome = try Self.run(program, ["--threads", "8", "--calls", "50"],
                                                 environment: ["TSAN_OPTIONS": "exitcode=66"])
            #expect(!outcome.output.contains("ThreadSanitizer"), "\(outcome.output)")
            #expect(outcome.status == 0, "\(outcome.output)")
            #expect(outcome.fields["threads"] == "8", "\(outcome.output)")
            #expect(outcome.fields["wrong"] == "0", "\(outcome.output)")
            #expect((Int(outcome.fields["calls"] ?? "") ?? 0) >= 8 * 50, "\(outcome.output)")
        }

        /// Threads sharing one handle, against the contract, race on its last failure: the
        /// instrumented library lets ThreadSanitizer see it.
        @Test func threadSanitizerCatchesThreadsSharingAHandle() throws {
            let program = try LibraryInstall.threadSanitizedProgram.get()
            let outcome = try Self.run(program, ["--threads", "8", "--calls", "50", "--share-handles"],
                                                 environment: ["TSAN_OPTIONS": "exitcode=66 halt_on_error=1"])
            #expect(outcome.status == 66, "\(outcome.output)")
            #expect(outcome.output.contains("WARNING: ThreadSanitizer: data race"), "\(outcome.output)")
            #expect(outcome.output.contains("LibraryHandle"), "the race is on the handle: \(outcome.output)")
        }

        /// Verifying in a loop, good and tampered licenses, leaks nothing: LeakSanitizer reports
        /// no leak at exit (no suppressions: the Swift runtime's caches stay reachable), and the
        /// resident memory after the first tenth of the calls does not grow by more than a leak
        /// of 50 bytes a call would make it.
        @Test func verifyingInALoopLeaksNothing() throws {
            let program = try LibraryInstall.leakCheckedProgram.get()
            let perThread = Self.leakCheckedCalls / 2
            let outcome = try Self.run(program, ["--threads", "2", "--calls", String(perThread)],
                                                 environment: ["LSAN_OPTIONS": "exitcode=23"])
            #expect(!outcome.output.contains("LeakSanitizer"), "\(outcome.output)")
            #expect(outcome.status == 0, "\(outcome.output)")
            #expect(outcome.fields["wrong"] == "0", "\(outcome.output)")
            #expect((Int(outcome.fields["calls"] ?? "") ?? 0) >= Self.leakCheckedCalls, "\(outcome.output)")
            let growth = try #require(Int(outcome.fields["rss growth kb"] ?? ""), "\(outcome.output)")
            #expect(growth * 1024 < Self.leakCheckedCalls * 9 / 10 * 50, "\(outcome.output)")
        }

        /// Handles never destroyed are leaks LeakSanitizer reports, with the library's frames.
        @Test func leakSanitizerCatchesHandlesNeverDestroyed() throws {
            let program = try LibraryInstall.leakCheckedProgram.get()
            let outcome = try Self.run(program, ["--threads", "2", "--calls", "10", "--no-destroy"],
                                                 environment: ["LSAN_OPTIONS": "exitcode=23"])
            #expect(outcome.status == 23, "\(outcome.output)")
            #expect(outcome.output.contains("ERROR: LeakSanitizer: detected memory leaks"), "\(outcome.output)")
            #expect(outcome.output.contains("tollgate_create"), "\(outcome.output)")
        }

        // MARK: Helpers

        /// Runs verify-threads with `options` on vector valid-with-activation and, as the second
        /// license, the same with its signature flipped (the vectors' files live until it ends).
        private static func run(_ program: String, _ options: [String], environment: [String: String]) throws -> LibraryProcess.Outcome {
            let vector = try LibraryVector("valid-with-activation")
            let tampered = try LibraryVector("valid-with-activation", tamper: LibraryVector.flipSignature)
            let machine = try #require(vector.arguments.firstIndex(of: "--machine").map { vector.arguments[$0 + 1] })
            return try withExtendedLifetime((vector, tampered)) {
                try LibraryProcess.run(program, options + ["--tampered", tampered.directory.path("license.json"), vector.directory.path("vendor.pem"),
                                                           vector.directory.path("license.json"), vector.directory.path("activation.jws"),
                                                           machine, String(vector.now)],
                                       environment: environment)
            }
        }
    }
}
