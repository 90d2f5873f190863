/// One target as Package.swift declares it: what the manifest checks need and nothing more.
struct ManifestTarget: Equatable {
    enum Kind: String {
        case target, testTarget, executableTarget, systemLibrary, macro, plugin
    }

    var name: String
    var kind: Kind
    /// Targets of this package it names in `dependencies:` (products of other packages are left out).
    var dependencies: [String]
    /// Its directory relative to the package root: `path:` when given, else SwiftPM's default.
    var path: String

    init(name: String, kind: Kind, dependencies: [String], path: String?) {
        self.name = name
        self.kind = kind
        self.dependencies = dependencies
        self.path = path ?? (kind == .testTarget ? "Tests/\(name)" : "Sources/\(name)")
    }
}
