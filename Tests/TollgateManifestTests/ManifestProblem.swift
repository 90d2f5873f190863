/// One way a target breaks the manifest's rules; tests compare `rule`, `target` and `module`.
struct ManifestProblem: Hashable, CustomStringConvertible {
    enum Rule: String {
        /// A source file imports one of the package's modules that its target does not declare: it
        /// builds today only because another dependency pulls the module in.
        case undeclaredImport
        /// A target declares a dependency none of its files imports.
        case unusedDependency
        /// The layer comment at the top of Package.swift does not name the target.
        case notInLayerComment
        /// A target depends on one listed below it in the layer comment.
        case reachesUp
        /// A target outside Tests/ depends on one inside it: test code would ship in the product.
        case testCodeInProduct
    }

    var rule: Rule
    var target: String
    var module: String
    /// The importing files (relative to the package root), for `undeclaredImport`.
    var files: [String] = []

    var description: String {
        switch rule {
        case .undeclaredImport: "\(target) does not declare \(module), which \(files.joined(separator: ", ")) import"
        case .unusedDependency: "\(target) declares \(module) but none of its files imports it"
        case .notInLayerComment: "the layer comment does not name \(target)"
        case .reachesUp: "\(target) depends on \(module), which the layer comment lists below it"
        case .testCodeInProduct: "\(target) depends on the test code in \(module)"
        }
    }
}
