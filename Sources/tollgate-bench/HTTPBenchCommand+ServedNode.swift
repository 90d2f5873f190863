import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateLedger
import TollgateNode
import TollgateService
import TollgateWire

extension HTTPBenchCommand {
    /// A regional agent node served in-process on loopback, wired as `tollgate node serve` wires it:
    /// `HTTPServer` → `NodeAPI` → `NodeExecutor` → `LicensingNode` on a SQLite file.
    final class ServedNode: Sendable {
        let executor: NodeExecutor
        let server: HTTPServer
        let baseURL: String
        let token: String

        /// `floating`: the certificate also grants the floating model with these terms.
        init(directory: URL, floating: FloatingTerms? = nil) throws {
            let root = try Ed25519PrivateKey()
            let agent = try Ed25519PrivateKey()
            let anchor = TrustAnchor(publicKey: root.publicKey)
            let now = TimeArgument.now
            let rootNode = LicensingNode(identity: NodeIdentity(name: "root", key: root, anchor: anchor),
                                         store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
            var delegation = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agent.publicKey.rawRepresentation))
            delegation.count = 100_000_000
            delegation.countries = ["DE"]
            delegation.products = ["cad": ["export"]]
            delegation.models = floating == nil ? ["perpetual"] : ["perpetual", "floating"]
            delegation.floating = floating
            delegation.priceFloor = ["EUR": 100]
            let chain = try rootNode.delegate(delegation, at: now)
            let node = LicensingNode(identity: NodeIdentity(name: "agent", key: agent, anchor: anchor),
                                     store: try NodeStore(database: SQLiteDatabase(path: directory.appendingPathComponent("node.sqlite").path)))
            try node.accept(chain: chain.chain, at: now)

            token = try OperatorToken.generate()
            executor = NodeExecutor(node: node)
            let api = NodeAPI(executor: executor, token: OperatorToken(token), anchorPEM: try root.publicKey.pemRepresentation,
                              nodeName: "agent", clock: { TimeArgument.now })
            server = try api.makeServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0))
            baseURL = "http://127.0.0.1:\(server.port)"
        }

        /// A request to `endpoint` (one without path parameters), with the operator token when the
        /// route table says only the operator may call it.
        func request(_ endpoint: Endpoint, body: [UInt8], contentType: String) -> HTTPClientRequest {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: contentType)
            if endpoint.caller == .operator { headers.add(name: "Authorization", value: "Bearer \(token)") }
            return HTTPClientRequest(method: endpoint.method, url: baseURL + endpoint.path.description, headers: headers, body: body)
        }

        func stop() {
            server.shutdown(drainTimeout: .seconds(5))
            executor.stop()
        }
    }
}
