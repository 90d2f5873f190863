import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateTestSupport

/// A vendor (root), a general agent and a regional agent, each its own `tollgate node serve` process,
/// with their certificates wired through the operator API only: `POST /v1/delegations` on the parent,
/// `POST /v1/certificates` on the child.
final class ChannelFixture {
    let scratch: TemporaryDirectory
    let vendor: NodeProcess
    let general: NodeProcess
    let regional: NodeProcess
    let vendorAPI: NodeAPIClient
    let generalAPI: NodeAPIClient
    let regionalAPI: NodeAPIClient
    let anchor: TrustAnchor
    /// What the general agent holds and what it delegated to the regional agent.
    let generalHeld: Wire.Held
    let regionalHeld: Wire.Held

    /// `models` are the license models the vendor grants the general agent (the regional one inherits them);
    /// `serveArguments` go to each node's `tollgate node serve`.
    init(_ label: String, models: [String] = ["perpetual", "subscription"], serveArguments: [String] = []) throws {
        scratch = try TemporaryDirectory("e2e-\(label)")
        let vendorDirectory = scratch.url.appendingPathComponent("vendor")
        let generalDirectory = scratch.url.appendingPathComponent("ga-europe")
        let regionalDirectory = scratch.url.appendingPathComponent("ra-dach")
        try TollgateCLI.run(["root", "init", "--dir", vendorDirectory.path, "--name", "vendor"])
        for directory in [generalDirectory, regionalDirectory] {
            try TollgateCLI.run(["node", "init", "--dir", directory.path, "--name", directory.lastPathComponent,
                                 "--anchor", vendorDirectory.appendingPathComponent("anchor.pub").path])
        }
        anchor = TrustAnchor(publicKey: try Ed25519PublicKey(contentsOf: vendorDirectory.appendingPathComponent("anchor.pub")))
        vendor = try NodeProcess(directory: vendorDirectory, extraArguments: serveArguments)
        general = try NodeProcess(directory: generalDirectory, extraArguments: serveArguments)
        regional = try NodeProcess(directory: regionalDirectory, extraArguments: serveArguments)
        vendorAPI = try NodeAPIClient(vendor)
        generalAPI = try NodeAPIClient(general)
        regionalAPI = try NodeAPIClient(regional)

        let generalChain = try vendorAPI.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: [
            "subject": "ga-europe", "subject_key": try Self.subjectKey(generalDirectory), "count": 10_000,
            "countries": ["DE", "AT", "CH", "FR"], "products": ["cad-pro": ["export", "render", "simulate"]],
            "models": models, "price_floor": ["EUR": 4_000], "sync_within": 14 * 86_400,
        ] as [String: Any])
        generalHeld = try generalAPI.expect(Wire.Held.self, status: 201, .post, "/v1/certificates", json: ["chain": generalChain.chain])
        let regionalChain = try generalAPI.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: [
            "subject": "ra-dach", "subject_key": try Self.subjectKey(regionalDirectory), "count": 1_000,
            "countries": ["DE", "AT"], "products": ["cad-pro": ["export", "render"]], "price_floor": ["EUR": 4_500],
        ] as [String: Any])
        regionalHeld = try regionalAPI.expect(Wire.Held.self, status: 201, .post, "/v1/certificates", json: ["chain": regionalChain.chain])
    }

    /// The CLI's arguments for an operator command at the vendor (`tollgate report … --node … --token-file …`).
    var vendorOperator: [String] {
        ["--node", vendor.baseURL, "--token-file", vendor.directory.appendingPathComponent("operator.token").path]
    }

    /// One sync round up the tree, deepest first; each agent is stopped while `tollgate sync` uses its directory.
    func syncUp() throws {
        _ = regional.terminate()
        try TollgateCLI.run(["sync", "--dir", regional.directory.path, "--parent", general.baseURL])
        _ = general.terminate()
        try TollgateCLI.run(["sync", "--dir", general.directory.path, "--parent", vendor.baseURL])
        try general.start()
        try regional.start()
    }

    /// Stops the three nodes with SIGTERM; their exit statuses, vendor first.
    func stop() -> [Int32?] {
        [vendor, general, regional].map { $0.terminate() }
    }

    /// A sale the regional agent's certificate allows.
    static func sale(customer: String, seats: Int = 1, model: String = "perpetual", territory: [String] = ["DE", "AT"],
                     amount: Int = 4_900, exp: Int64? = nil) -> [String: Any] {
        var sale: [String: Any] = [
            "customer": customer, "country": "DE", "territory": territory, "product": "cad-pro", "model": model,
            "price": ["currency": "EUR", "amount": amount], "seats": seats,
        ]
        if let exp { sale["exp"] = exp }
        return sale
    }

    /// base64url of a node's raw public key, as `subject_key` wants it.
    static func subjectKey(_ directory: URL) throws -> String {
        Base64URL.encode(try Ed25519PublicKey(contentsOf: directory.appendingPathComponent("node.pub")).rawRepresentation)
    }

    /// The offline verifier an end customer's software embeds: nothing but the vendor's key.
    var verifier: LicenseVerifier { LicenseVerifier(anchor: anchor) }
}
