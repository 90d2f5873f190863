import Foundation

/// Where the executables under test live: next to the running test bundle (SwiftPM puts products
/// and the test bundle in the same `<scratch>/debug` directory), whatever scratch path built them.
/// `TOLLGATE_BINARY` and `TOLLGATE_BENCH_BINARY` override.
enum TollgateBinary {
    /// `tollgate`.
    static let path: String = locate("tollgate", override: "TOLLGATE_BINARY")
    /// `tollgate-bench`, for the tests that run a benchmark's helper.
    static let benchPath: String = locate("tollgate-bench", override: "TOLLGATE_BENCH_BINARY")

    /// The package root, from this file's location.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func locate(_ name: String, override: String) -> String {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment[override], manager.isExecutableFile(atPath: override) {
            return override
        }
        var candidates: [URL] = []
        // The test process itself: `<scratch>/debug/TollgatePackageTests.xctest` (or a helper in that directory).
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent(name))
        if let argument = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: argument).deletingLastPathComponent().appendingPathComponent(name))
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
        // Fallback: any scratch directory of the package, newest build first.
        let scratches = (try? manager.contentsOfDirectory(atPath: packageRoot.path)) ?? []
        let built = scratches.filter { $0.hasPrefix(".build") }
            .map { packageRoot.appendingPathComponent($0).appendingPathComponent("debug").appendingPathComponent(name) }
            .filter { manager.isExecutableFile(atPath: $0.path) }
            .sorted { modified($0) > modified($1) }
        candidates += built
        return candidates.first { manager.isExecutableFile(atPath: $0.path) }?.path
            ?? packageRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    private static func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }
}
