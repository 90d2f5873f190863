import Foundation
import Testing
import TollgateFuzzChecks

/// Replays every checked-in fuzz input — the seed corpora and every crash the fuzzers found — through
/// the same checks the libFuzzer targets in Tests/Fuzz run, without the fuzzer, so a fixed crash
/// stays fixed in every `swift test`.
struct FuzzReplayTests {
    static let names = FuzzCatalog.checks.map { $0.name }

    @Test(arguments: names)
    func seedCorpusPassesItsCheck(target: String) throws {
        let files = try FuzzInputs.files(in: "Corpus", target: target)
        #expect(!files.isEmpty, "the \(target) target has no seed corpus")
        try replay(files, target: target)
    }

    @Test(arguments: names)
    func failCasesPassTheirCheck(target: String) throws {
        try replay(FuzzInputs.files(in: "FailCases", target: target), target: target)
    }

    @Test
    func everyInputDirectoryNamesATarget() throws {
        for kind in ["Corpus", "FailCases"] {
            for directory in try FuzzInputs.targets(in: kind) {
                #expect(FuzzCatalog.check(named: directory) != nil, "\(kind)/\(directory) names no fuzz target")
            }
        }
    }

    @Test(arguments: names)
    func everyTargetHasAFuzzExecutable(target: String) {
        let main = FuzzInputs.fuzzDirectory.appendingPathComponent("Sources/\(target)/main.swift")
        #expect(FileManager.default.fileExists(atPath: main.path), "Tests/Fuzz has no executable for \(target)")
    }

    private func replay(_ files: [URL], target: String) throws {
        let check = try #require(FuzzCatalog.check(named: target))
        for file in files {
            let input = try [UInt8](Data(contentsOf: file))
            do {
                try check.run(input)
            } catch {
                Issue.record("\(target)/\(file.lastPathComponent): \(error)")
            }
        }
    }
}
