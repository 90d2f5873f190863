import Foundation
import Testing

/// Package.swift keeps its promises: each target declares exactly the package modules it imports,
/// and the layer comment names every target in an order no dependency reaches up through.
@Suite struct ManifestTests {
    /// The package root: three levels above this file (Tests/TollgateManifestTests/ManifestTests.swift).
    static let packageDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let cleanSources = [
        "Sources/Alpha/Alpha.swift": "import Foundation\n\npublic struct Thing {}\n",
        "Sources/Beta/Beta.swift": "import Foundation\n@_spi(Testing) import struct Alpha.Thing\n// import Gamma\n",
        "Tools/Gamma/main.swift": "@preconcurrency public import Beta\n",
    ]

    @Test func theRepositoryManifestHasNoProblems() throws {
        let problems = try ManifestCheck(packageDirectory: Self.packageDirectory).problems
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
    }

    @Test func everySourceDirectoryBelongsToAParsedTarget() throws {
        let manifest = try PackageManifest(packageDirectory: Self.packageDirectory)
        let paths = Set(manifest.targets.map(\.path))
        let files = FileManager.default
        var directories: [String] = []
        for parent in ["Sources", "Tests"] {
            for name in try files.contentsOfDirectory(atPath: Self.packageDirectory.appendingPathComponent(parent).path).sorted() {
                let directory = Self.packageDirectory.appendingPathComponent(parent).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard files.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue,
                      !files.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) else { continue }
                directories.append("\(parent)/\(name)")
            }
        }
        #expect(directories.filter { !paths.contains($0) } == [], "directories no target claims")
        #expect(manifest.targets.filter { !files.fileExists(atPath: Self.packageDirectory.appendingPathComponent($0.path).path) }.map(\.name) == [])
        let fuzzChecks = try #require(manifest.targets.first { $0.name == "TollgateFuzzChecks" })
        #expect(fuzzChecks.path == "Tests/TollgateFuzzChecks")
        #expect(fuzzChecks.dependencies.contains("TollgateSimulation"), "a dependency list spanning lines is read whole")
    }

    @Test func aCleanFixturePasses() throws {
        let check = try ManifestFixture(sources: Self.cleanSources).check()
        #expect(check.manifest.targets == [
            ManifestTarget(name: "Alpha", kind: .target, dependencies: [], path: nil),
            ManifestTarget(name: "Beta", kind: .target, dependencies: ["Alpha"], path: nil),
            ManifestTarget(name: "Gamma", kind: .executableTarget, dependencies: ["Beta"], path: "Tools/Gamma"),
        ])
        #expect(check.problems == [])
    }

    @Test func anImportTheTargetDoesNotDeclareFails() throws {
        var sources = Self.cleanSources
        sources["Tools/Gamma/Extra.swift"] = "import Foundation\nimport Alpha\n"
        let problems = try ManifestFixture(sources: sources).check().problems
        #expect(problems == [ManifestProblem(rule: .undeclaredImport, target: "Gamma", module: "Alpha", files: ["Tools/Gamma/Extra.swift"])])
    }

    @Test func aDependencyNoFileImportsFails() throws {
        var sources = Self.cleanSources
        sources["Sources/Beta/Beta.swift"] = "import Foundation\n"
        let problems = try ManifestFixture(sources: sources).check().problems
        #expect(problems == [ManifestProblem(rule: .unusedDependency, target: "Beta", module: "Alpha")])
    }

    @Test func aTargetTheLayerCommentLeavesOutFails() throws {
        let problems = try ManifestFixture(layers: ["Alpha", "Beta"], sources: Self.cleanSources).check().problems
        #expect(problems == [ManifestProblem(rule: .notInLayerComment, target: "Gamma", module: "Gamma")])
    }

    @Test func aDependencyListedBelowItsUserFails() throws {
        let problems = try ManifestFixture(layers: ["Beta", "Alpha", "Gamma"], sources: Self.cleanSources).check().problems
        #expect(problems == [ManifestProblem(rule: .reachesUp, target: "Beta", module: "Alpha")])
    }

    @Test func aProductTargetUsingTestCodeFails() throws {
        var sources = Self.cleanSources
        sources["Tests/Alpha/Alpha.swift"] = sources.removeValue(forKey: "Sources/Alpha/Alpha.swift")
        let problems = try ManifestFixture(alphaPath: "Tests/Alpha", sources: sources).check().problems
        #expect(problems == [ManifestProblem(rule: .testCodeInProduct, target: "Beta", module: "Alpha")])
    }

    @Test func importsAreReadWithAttributesModifiersAndKinds() {
        let text = """
            import Foundation
            @testable import One
            @_spi(Fuzzing) import Two
            public import Three
            import struct Four.Thing
            // import Five
            let importance = 1
            """
        #expect(SourceImports.modules(in: text) == ["Foundation", "One", "Two", "Three", "Four"])
    }
}
