import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateTestSupport

/// One regional agent served by `tollgate node serve`, with a certificate from a vendor that was set
/// up offline with the CLI (the vendor itself is not running). For tests about one node's serving.
final class AgentFixture {
    let scratch: TemporaryDirectory
    let node: NodeProcess
    let anchor: TrustAnchor

    /// A sale the agent's certificate allows: one seat of `cad` in Germany, above the floor.
    static var sale: [String: Any] { [
        "customer": "Muster GmbH", "country": "DE", "product": "cad", "model": "perpetual",
        "price": ["currency": "EUR", "amount": 500],
    ] }

    init(_ label: String, serveArguments: [String] = []) throws {
        scratch = try TemporaryDirectory("e2e-\(label)")
        let (vendor, agent) = try Self.makeDirectories(in: scratch)
        anchor = TrustAnchor(publicKey: try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: vendor + "/anchor.pub")))
        node = try NodeProcess(directory: URL(fileURLWithPath: agent), extraArguments: serveArguments)
    }

    /// A vendor's and an agent's node directories in `scratch`, made offline with the CLI: the agent
    /// holds a certificate for 1,000,000 seats of `cad` in DE and AT. Returns their paths.
    static func makeDirectories(in scratch: TemporaryDirectory) throws -> (vendor: String, agent: String) {
        let vendor = scratch.path("vendor"), agent = scratch.path("agent"), chain = scratch.path("agent.chain")
        try TollgateCLI.run(["root", "init", "--dir", vendor, "--name", "vendor"])
        try TollgateCLI.run(["node", "init", "--dir", agent, "--name", "agent", "--anchor", vendor + "/anchor.pub"])
        try TollgateCLI.run(["delegate", "--dir", vendor, "--subject", "agent", "--subject-key", agent + "/node.pub",
                             "--seats", "1000000", "--countries", "DE,AT", "--product", "cad=export,render",
                             "--models", "perpetual,subscription", "--price-floor", "EUR:1.00", "--out", chain])
        try TollgateCLI.run(["accept", "--dir", agent, chain])
        return (vendor, agent)
    }

    func client() throws -> NodeAPIClient { try NodeAPIClient(node) }
}
