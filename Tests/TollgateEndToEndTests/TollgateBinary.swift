import Foundation

/// Where the `tollgate` executable under test lives: next to the running test bundle (SwiftPM puts
/// products and the test bundle in the same `<scratch>/debug` directory), whatever scratch path
/// built it; `TOLLGATE_BINARY` overrides.
enum TollgateBinary {
    static let path: String = locate()

    /// The package root, from this file's location.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func locate() -> String {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["TOLLGATE_BINARY"], manager.isExecutableFile(atPath: override) {
            return override
        }
        var candidates: [URL] = []
        // The test process itself: `<scratch>/debug/TollgatePackageTests.xctest` (or a helper in that directory).
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("tollgate"))
        if let argument = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: argument).deletingLastPathComponent().appendingPathComponent("tollgate"))
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tollgate"))
        // Fallback: any scratch directory of the package, newest build first.
        let scratches = (try? manager.contentsOfDirectory(atPath: packageRoot.path)) ?? []
        let built = scratches.filter { $0.hasPrefix(".build") }
            .map { packageRoot.appendingPathComponent($0).appendingPathComponent("debug").appendingPathComponent("tollgate") }
            .filter { manager.isExecutableFile(atPath: $0.path) }
            .sorted { modified($0) > modified($1) }
        candidates += built
        return candidates.first { manager.isExecutableFile(atPath: $0.path) }?.path
            ?? packageRoot.appendingPathComponent(".build/debug/tollgate").path
    }

    private static func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }
}
