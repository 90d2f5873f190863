import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
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
    /// The held certificates by hash, for the one a command carves from.
    var held: [(hash: String, certificate: AllocationCertificate)]

    init(_ held: [(hash: String, certificate: AllocationCertificate)]) {
        self.held = held
        isLimited = !held.isEmpty
        for certificate in held.map(\.certificate) {
            for (product, features) in certificate.products { products[product, default: []].formUnion(features) }
            models.formUnion(certificate.models)
        }
    }

    /// Whether these are the root's: every certificate held is the root's own (issued by its
    /// subject, see `delegate --to-self`), or none is held.
    var isRoot: Bool {
        held.allSatisfy { held in
            (try? Ed25519PublicKey(rawRepresentation: Base64URL.decode(held.certificate.subKey)))?.thumbprint == held.certificate.iss
        }
    }

    /// The names the node at `target` allows, read through its certificate list.
    init(of target: NodeTarget) throws {
        let body: APIBodies.CertificatesBody = try target.call(local: { node in
            APIBodies.CertificatesBody(held: try node.heldCertificates().map(APIBodies.HeldCertificateBody.init), delegated: [])
        }, endpoint: .listCertificates)
        self.init(try body.held.compactMap { held in try held.chain.last.map { (held.hash, try SignedCertificate(compact: $0).payload) } })
    }

    /// The held certificate `id` names (as the node picks it: a unique id prefix or jti, or with
    /// no id the only one held); nil when that is not exactly one, and the node will say so.
    func certificate(matching id: String?) -> AllocationCertificate? {
        guard let id else { return held.count == 1 ? held[0].certificate : nil }
        let ids = Set(HashID.matches(id, in: held.map(\.hash)))
        let matches = held.filter { ids.contains($0.hash) || $0.certificate.jti == id }
        return matches.count == 1 ? matches[0].certificate : nil
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
