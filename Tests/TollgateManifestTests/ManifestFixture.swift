import Foundation
import TollgateTestSupport

/// A throwaway package on disk (a Package.swift and source files) for checking the manifest rules
/// on a deliberately broken case without touching the real manifest.
struct ManifestFixture {
    let directory: TemporaryDirectory

    /// Three targets in three layers: Alpha (in Sources/Alpha unless `alphaPath` says otherwise),
    /// Beta (uses Alpha), Gamma (uses Beta, in Tools/Gamma); `layers` replaces the layer comment's entries.
    init(layers: [String] = ["Alpha", "Beta", "Gamma"], alphaPath: String? = nil, sources: [String: String]) throws {
        directory = try TemporaryDirectory("manifest-fixture")
        let entries = [
            "        .target(name: \"Alpha\"\(alphaPath.map { ", path: \"\($0)\"" } ?? "")), // a comment with .target(name: \"Ghost\")",
            "        .target(name: \"Beta\", dependencies: [.target(name: \"Alpha\"), .product(name: \"Other\", package: \"other\")]),",
            "        .executableTarget(\n            name: \"Gamma\",\n            dependencies: [\"Beta\"],\n            path: \"Tools/Gamma\"\n        ),",
        ]
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
