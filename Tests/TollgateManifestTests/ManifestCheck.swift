import Foundation

/// The manifest's rules over a package directory: every target declares each of the package's
/// modules it imports and imports each one it declares, the layer comment names every target, no
/// target depends on one listed below it there, and nothing outside Tests/ depends on test code.
struct ManifestCheck {
    var manifest: PackageManifest
    var imports: [String: SourceImports]

    init(packageDirectory: URL) throws {
        manifest = try PackageManifest(packageDirectory: packageDirectory)
        imports = [:]
        for target in manifest.targets where target.kind != .systemLibrary {
            imports[target.name] = try SourceImports(directory: packageDirectory.appendingPathComponent(target.path), relativeTo: packageDirectory)
        }
    }

    var problems: [ManifestProblem] { dependencyProblems + layerProblems + testCodeProblems }

    var dependencyProblems: [ManifestProblem] {
        let modules = Set(manifest.targets.map(\.name))
        var problems: [ManifestProblem] = []
        for target in manifest.targets where target.kind != .systemLibrary {
            let files = imports[target.name]?.files ?? [:]
            let declared = Set(target.dependencies)
            for (module, importers) in files.sorted(by: { $0.key < $1.key })
            where modules.contains(module) && module != target.name && !declared.contains(module) {
                problems.append(ManifestProblem(rule: .undeclaredImport, target: target.name, module: module, files: importers.sorted()))
            }
            for module in target.dependencies where files[module] == nil {
                problems.append(ManifestProblem(rule: .unusedDependency, target: target.name, module: module))
            }
        }
        return problems
    }

    var layerProblems: [ManifestProblem] {
        var layer: [String: Int] = [:]
        for target in manifest.targets {
            if let line = manifest.layerLines.firstIndex(where: { Self.names(target.name, in: $0) }) { layer[target.name] = line }
        }
        var problems: [ManifestProblem] = []
        for target in manifest.targets {
            guard let own = layer[target.name] else {
                problems.append(ManifestProblem(rule: .notInLayerComment, target: target.name, module: target.name))
                continue
            }
            for module in target.dependencies where (layer[module] ?? -1) > own {
                problems.append(ManifestProblem(rule: .reachesUp, target: target.name, module: module))
            }
        }
        return problems
    }

    /// Test helpers (TollgateTestSupport, TollgateFuzzChecks) live under Tests/; only targets there
    /// may depend on them.
    var testCodeProblems: [ManifestProblem] {
        let paths = Dictionary(manifest.targets.map { ($0.name, $0.path) }, uniquingKeysWith: { first, _ in first })
        return manifest.targets.filter { !$0.path.hasPrefix("Tests/") }.flatMap { target in
            target.dependencies.filter { paths[$0]?.hasPrefix("Tests/") == true }
                .map { ManifestProblem(rule: .testCodeInProduct, target: target.name, module: $0) }
        }
    }

    /// Whether `line` holds `name` as a whole word (so "TollgateNode" is not found in "TollgateNodeTests").
    static func names(_ name: String, in line: String) -> Bool {
        let isWord: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
        var rest = line[...]
        while let range = rest.range(of: name) {
            let before = range.lowerBound == line.startIndex ? nil : line[line.index(before: range.lowerBound)]
            let after = range.upperBound == line.endIndex ? nil : line[range.upperBound]
            if !(before.map(isWord) ?? false) && !(after.map(isWord) ?? false) { return true }
            rest = line[range.upperBound...]
        }
        return false
    }
}
