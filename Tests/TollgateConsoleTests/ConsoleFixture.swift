import Foundation
import TollgateAPI
import TollgateCertificates
@testable import TollgateConsole
import TollgateCrypto
import TollgateHTTPMessages
import TollgateLedger
import TollgateNode
import TollgateWire

/// A root node with hostile names, over an in-memory store, and its console driven without a socket:
/// the node is named with quotes and `&`, sells under its own certificate to a customer named
/// `<script>alert(1)</script>`, and delegates to an agent named with quotes and `&` too.
final class ConsoleFixture {
    static let token = "console-tests-operator-token"
    static let nodeName = #"Vendor "Q" & <Sons>"#
    static let agentName = #"O'Brien & "Partners""#
    static let customer = "<script>alert(1)</script>"
    let now: Int64 = 1_780_000_000

    let node: LicensingNode
    let executor: NodeExecutor
    let console: NodeConsole

    init(sessionLifetime: Int64 = NodeConsole.defaultSessionLifetime, secure: Bool = false) throws {
        let key = try Ed25519PrivateKey()
        node = LicensingNode(identity: NodeIdentity(name: Self.nodeName, key: key, anchor: TrustAnchor(publicKey: key.publicKey)),
                             store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        var own = DelegationRequest(subject: "", subjectKey: "")
        own.toSelf = true
        own.count = 1_000
        own.countries = ["AT", "DE"]
        own.products = ["cad-pro": ["export"]]
        own.models = ["perpetual", "subscription"]
        own.priceFloor = ["EUR": 5_000]
        own.nbf = now - 86_400
        _ = try node.delegate(own, at: now)
        let agentKey = try Ed25519PrivateKey()
        var toAgent = DelegationRequest(subject: Self.agentName, subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
        toAgent.count = 100
        toAgent.countries = ["DE"]
        toAgent.products = ["cad-pro": ["export"]]
        toAgent.models = ["perpetual"]
        toAgent.priceFloor = ["EUR": 5_000]
        toAgent.nbf = now - 86_400
        _ = try node.delegate(toAgent, at: now)
        var sale = LicenseRequest(customer: Self.customer, country: "DE", product: "cad-pro", model: "subscription",
                                  price: Price(currency: "EUR", amount: 12_000), seatCount: 2)
        sale.exp = now + 365 * 86_400
        _ = try node.issue(sale, at: now)
        executor = NodeExecutor(node: node)
        console = NodeConsole(executor: executor, token: OperatorToken(Self.token), nodeName: Self.nodeName, secureCookies: secure,
                              sessionLifetime: sessionLifetime)
    }

    deinit {
        executor.stop()
    }

    /// `method path?query` to the console at `at` (now by default), with `cookies` and a form body.
    func send(_ method: HTTPMethod, _ path: String, query: String? = nil, cookies: [String: String] = [:], form: [String: String]? = nil,
              at time: Int64? = nil) -> HTTPResponse {
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.add(name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        var body: [UInt8] = []
        if let form {
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            body = Array(form.sorted { $0.key < $1.key }.map { "\(Self.formEncoded($0.key))=\(Self.formEncoded($0.value))" }.joined(separator: "&").utf8)
        }
        let request = HTTPRequest(method: method, path: path, query: query, headers: headers, body: body)
        guard let (endpoint, _) = Endpoint.match(method: method, path: path) else { return HTTPResponse(status: .notFound) }
        return console.handle(endpoint, request, at: time ?? now)
    }

    /// Logs in as a browser does (form, then post with its nonce cookie); the session cookie's value.
    func logIn(at time: Int64? = nil) throws -> String {
        let form = send(.get, "/console/login", at: time)
        let nonce = try Self.cookie(ConsoleCookie.loginNonce, in: form)
        let answer = send(.post, "/console/login", cookies: [ConsoleCookie.loginNonce: nonce], form: ["token": Self.token, "csrf": nonce], at: time)
        guard answer.status.code == 303 else { throw FixtureError("login answered \(answer.status.code): \(answer.bodyText)") }
        return try Self.cookie(ConsoleCookie.session, in: answer)
    }

    /// The value `Set-Cookie` gives cookie `name` in `response`.
    static func cookie(_ name: String, in response: HTTPResponse) throws -> String {
        guard let header = response.headers.values(for: "Set-Cookie").first(where: { $0.hasPrefix(name + "=") }) else {
            throw FixtureError("no Set-Cookie for \(name) in \(response.headers)")
        }
        return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
    }

    /// The hidden `csrf` field of the page's first form.
    static func csrf(in response: HTTPResponse) throws -> String {
        let text = response.bodyText
        guard let start = text.range(of: #"name="csrf" value=""#) else { throw FixtureError("no csrf field in the page") }
        return String(text[start.upperBound...].prefix { $0 != "\"" })
    }

    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text)
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
