import Foundation

/// Where the fuzz package keeps its inputs: `Tests/Fuzz/<kind>/<target>/`.
enum FuzzInputs {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The input files of `target` under `kind` (`Corpus` or `FailCases`), sorted; none when the folder is absent.
    static func files(in kind: String, target: String) throws -> [URL] {
        let directory = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target)
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The target folders under `kind`.
    static func targets(in kind: String) throws -> [String] {
        let directory = fuzzDirectory.appendingPathComponent(kind)
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
    }
}
