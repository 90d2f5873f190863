import Testing
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateWire

/// A sale the executor signs goes into the node's record of verified signatures, as a sale through
/// `LicensingNode.issue` does: the node (an activation's license check) and the verifiers sharing
/// the record (the simulator's customers) then never verify what the same process just signed.
@Suite struct ExecutorSignatureRecordTests {
    static let now: Int64 = 1_780_000_000

    /// An agent holding a certificate of 50 seats from a fresh root, in memory; `adjust` changes
    /// the delegation first.
    static func agent(_ adjust: (inout DelegationRequest) -> Void = { _ in }) throws -> LicensingNode {
        let rootKey = try Ed25519PrivateKey()
        let agentKey = try Ed25519PrivateKey()
        let anchor = TrustAnchor(publicKey: rootKey.publicKey)
        let root = LicensingNode(identity: NodeIdentity(name: "root", key: rootKey, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        var delegation = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
        delegation.count = 50
        delegation.countries = ["DE"]
        delegation.products = ["cad": ["export"]]
        delegation.models = ["perpetual"]
        delegation.priceFloor = ["EUR": 100]
        delegation.nbf = now - 86_400
        adjust(&delegation)
        let chain = try root.delegate(delegation, at: now)
        let agent = LicensingNode(identity: NodeIdentity(name: "agent", key: agentKey, anchor: anchor),
                                  store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        try agent.accept(chain: chain.chain, at: now)
        return agent
    }

    static let sale = LicenseRequest(customer: "c", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 500))

    @Test(arguments: [false, true]) func executorRecordsTheSignaturesItMakes(inline: Bool) throws {
        let agent = try Self.agent()
        let executor = inline ? NodeExecutor(inline: agent) : NodeExecutor(node: agent)
        defer { executor.stop() }
        let file = try executor.issue(Self.sale, at: Self.now)
        let license = try SignedLicense(compact: file.license)
        #expect(agent.store.verifiedSignatures.objects.contains(jwsHash: license.hash, signedBy: agent.identity.key.publicKey))
    }
}
