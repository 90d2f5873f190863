import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateWire

/// The products, features and models a node's held certificates allow, so a misspelt name
/// (`--model perpetaul`) is refused before the node is asked, with the closest allowed name.
///
/// The node refuses such a sale too, but only as "not allowed"; the suggestion needs the list of
/// names, which the command line has here.
struct AllowedNames {
    /// Models are an open set (a vendor may sell a `lease`), so at the root, which holds no
    /// certificate, only a near miss of one of these common ones is refused.
    static let commonModels = ["perpetual", "subscription", "trial"]

    /// Product → features, over all held certificates.
    var products: [String: Set<String>] = [:]
    var models: Set<String> = []
    /// False at the root: nothing held limits the names.
    var isLimited: Bool

    init(_ certificates: [AllocationCertificate]) {
        isLimited = !certificates.isEmpty
        for certificate in certificates {
            for (product, features) in certificate.products { products[product, default: []].formUnion(features) }
            models.formUnion(certificate.models)
        }
    }

    /// The names the node at `target` allows, read through its certificate list.
    init(of target: NodeTarget) throws {
        let body: APIBodies.CertificatesBody = try target.call(local: { node in
            APIBodies.CertificatesBody(held: try node.heldCertificates().map(APIBodies.HeldCertificateBody.init), delegated: [])
        }, endpoint: .listCertificates)
        self.init(try body.held.compactMap { held in try held.chain.last.map { try SignedCertificate(compact: $0).payload } })
    }

    func checkProduct(_ product: String, option: String) throws(ValidationError) {
        guard isLimited, products[product] == nil else { return }
        throw Self.refusal(product, kind: "product", option: option, allowed: products.keys)
    }

    func checkFeatures(_ features: [String], of product: String, option: String) throws(ValidationError) {
        guard isLimited, let allowed = products[product] else { return }
        for feature in features where !allowed.contains(feature) {
            throw Self.refusal(feature, kind: "feature of \(product)", option: option, allowed: allowed)
        }
    }

    func checkModels(_ names: [String], option: String) throws(ValidationError) {
        for model in names {
            if isLimited {
                guard !models.contains(model) else { continue }
                throw Self.refusal(model, kind: "model", option: option, allowed: models)
            }
            if !Self.commonModels.contains(model), let closest = NameSuggestion.closest(to: model, among: Self.commonModels) {
                throw ValidationError("--\(option) '\(model)' is not a model; did you mean '\(closest)'?")
            }
        }
    }

    private static func refusal(_ name: String, kind: String, option: String, allowed: some Collection<String>) -> ValidationError {
        ValidationError("--\(option) '\(name)' is not a \(kind) this node's certificates allow (\(allowed.sorted().joined(separator: ", ")))"
                        + NameSuggestion.hint(for: name, among: allowed))
    }
}
