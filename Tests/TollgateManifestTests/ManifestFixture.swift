import Foundation
import TollgateTestSupport

/// A throwaway package on disk (a Package.swift and source files) for checking the manifest rules
/// on a deliberately broken case without touching the real manifest.
struct ManifestFixture {
    let directory: TemporaryDirectory

    /// Three targets in three layers: Alpha, Beta (uses Alpha), Gamma (uses Beta); `extra` lines go
    /// into the targets list, `layers` replaces the layer comment's entries.
    init(dependencies: [String: [String]] = ["Alpha": [], "Beta": ["Alpha"], "Gamma": ["Beta"]],
         layers: [String] = ["Alpha", "Beta", "Gamma"], sources: [String: String]) throws {
        directory = try TemporaryDirectory("manifest-fixture")
        let entries = ["Alpha", "Beta", "Gamma"].map { name in
            let list = (dependencies[name] ?? []).map { "\"\($0)\"" }.joined(separator: ", ")
            return name == "Gamma"
                ? "        .executableTarget(\n            name: \"Gamma\",\n            dependencies: [\(list)],\n            path: \"Tools/Gamma\"\n        ),"
                : "        .target(name: \"\(name)\", dependencies: [\(list)]), // a comment with .target(name: \"Ghost\")"
        }
        let manifest = """
            // swift-tools-version:6.0
            import PackageDescription

            // Layers, lowest first:
            \(layers.map { "//   \($0)    a layer" }.joined(separator: "\n"))

            let package = Package(
                name: "Fixture",
                targets: [
                    /* .target(name: "Commented", dependencies: ["Alpha"]), */
            \(entries.joined(separator: "\n"))
                ]
            )

            """
        try manifest.write(to: directory.url("Package.swift"), atomically: true, encoding: .utf8)
        for (path, text) in sources {
            let url = directory.url(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    func check() throws -> ManifestCheck { try ManifestCheck(packageDirectory: directory.url) }
}
