import Foundation
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages
import TollgateWire

/// Talks to a reseller's node for the machine whose wallet it holds, over libcurl: activation,
/// deactivation, emergency activation and the license's status. Every response is verified and
/// installed by the wallet before a call returns; a refusal comes back as `ClientError` with code
/// `.refused` and the node's RFC 9457 problem in `refusal`.
///
/// Like the `HTTPClient` it owns, an instance is used by one thread at a time.
public final class ActivationClient {
    public let wallet: MachineWallet
    private let http: HTTPClient
    let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - configuration: timeouts and trust; set `caBundlePath` to trust a private CA.
    ///   - clock: Unix seconds, for request times and verifying responses.
    public init(wallet: MachineWallet, configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) throws(ClientError) {
        self.wallet = wallet
        self.clock = clock
        var configuration = configuration
        configuration.userAgent = "tollgate-client"
        do {
            self.http = try HTTPClient(configuration: configuration)
        } catch {
            throw ClientError(.transport, "cannot set up the HTTP client: \(error)")
        }
    }

    /// Asks `nodeURL` for a seat of the installed license for this machine in `country`, and installs
    /// the activation. Asking again from an activated machine returns its existing seat.
    public func activate(nodeURL: String, country: String) throws(ClientError) -> VerifiedLicense {
        let request = try wallet.activationRequest(country: country, at: clock())
        return try installActivation(try submit(request, to: nodeURL))
    }

    /// Asks `nodeURL` for a temporary seat standing in for `failedActivation` (a failed machine's
    /// activation of the same license), and installs it.
    public func emergency(nodeURL: String, failedActivation: String, country: String) throws(ClientError) -> VerifiedLicense {
        let request = try wallet.emergencyRequest(replacing: failedActivation, country: country, at: clock())
        return try installActivation(try submit(request, to: nodeURL))
    }

    /// Gives this machine's seat back. The activation stops being used as soon as the request is
    /// signed; if the node cannot be reached, calling this again retries with a fresh request.
    public func deactivate(nodeURL: String) throws(ClientError) -> SignedDeactivation {
        let (request, _) = try wallet.deactivationRequest(at: clock())
        let response = try submit(request, to: nodeURL)
        guard case .deactivated(let deactivation) = try wallet.install(response, at: clock()) else {
            throw ClientError(.unexpectedResponse, "the node answered the deactivation with an activation")
        }
        return deactivation
    }

    /// The node's view of the installed license: validity, newest renewal, seats in use. Revocations
    /// in the license's chain are recorded in the wallet so later offline checks apply them.
    public func status(nodeURL: String) throws(ClientError) -> LicenseStatus {
        let file = try wallet.requireLicense(for: "ask for its status")
        let url = try Self.url(nodeURL, .licenseStatus, ["hash": JWS.hash(of: file.license)])
        let response = try send(HTTPClientRequest(method: Endpoint.licenseStatus.method, url: url, headers: ["Accept": "application/json"]), url: url)
        guard response.status.code == 200 else { throw Self.failure(response, url: url) }
        let status: LicenseStatus
        do {
            status = try response.decodeJSON(LicenseStatus.self)
        } catch {
            throw ClientError(.unexpectedResponse, "\(url) answered a status that does not decode: \(error)")
        }
        try wallet.recordRevocations(status.revocations, at: clock())
        try wallet.adopt(status, at: clock())
        return status
    }

    /// The client's clock, Unix seconds.
    func clockNow() -> Int64 { clock() }

    // MARK: Transport

    /// POSTs a signed machine request (``Endpoint/machineRequest``) and decodes the 201 answer.
    private func submit(_ request: String, to nodeURL: String) throws(ClientError) -> ActivationReceipt {
        try Self.submit(request, to: nodeURL, with: http)
    }

    /// POSTs a signed machine request (a machine's, or a site node's binding request) with `http`
    /// and decodes the 201 answer.
    static func submit(_ request: String, to nodeURL: String, with http: HTTPClient) throws(ClientError) -> ActivationReceipt {
        let url = try url(nodeURL, .machineRequest)
        let headers: HTTPHeaders = ["Content-Type": "application/jose", "Accept": "application/json"]
        let response = try send(HTTPClientRequest(method: Endpoint.machineRequest.method, url: url, headers: headers, body: Array(request.utf8)),
                                url: url, with: http)
        guard response.status.code == 201 || response.status.code == 200 else { throw failure(response, url: url) }
        return try ActivationReceipt.read(Data(response.body))
    }

    private func installActivation(_ response: ActivationReceipt) throws(ClientError) -> VerifiedLicense {
        guard case .activated(let verified) = try wallet.install(response, at: clock()) else {
            throw ClientError(.unexpectedResponse, "the node answered the activation with a deactivation")
        }
        return verified
    }

    func send(_ request: HTTPClientRequest, url: String) throws(ClientError) -> HTTPResponse {
        try Self.send(request, url: url, with: http)
    }

    static func send(_ request: HTTPClientRequest, url: String, with http: HTTPClient) throws(ClientError) -> HTTPResponse {
        do {
            return try http.send(request)
        } catch {
            throw ClientError(.transport, "cannot reach \(url): \(error)")
        }
    }

    /// A refusal with the node's problem details, or an unexpected answer.
    static func failure(_ response: HTTPResponse, url: String, file: String = #fileID, line: UInt = #line) -> ClientError {
        if let problem = response.problemDetails {
            let refusal = NodeRefusal(status: response.status.code, type: problem.type, title: problem.title, detail: problem.detail)
            let summary = [problem.title, problem.detail].compactMap { $0 }.joined(separator: ": ")
            return ClientError(.refused, "the node refused (\(refusal.name)): \(summary.isEmpty ? "\(response.status)" : summary)",
                               refusal: refusal, file: file, line: line)
        }
        let excerpt = String(response.bodyText.prefix(200))
        return ClientError(.unexpectedResponse, "\(url) answered \(response.status)\(excerpt.isEmpty ? "" : ": \(excerpt)")",
                           file: file, line: line)
    }

    /// `nodeURL` without trailing slashes, followed by `endpoint`'s path with `parameters` filled in.
    static func url(_ nodeURL: String, _ endpoint: Endpoint, _ parameters: [String: String] = [:]) throws(ClientError) -> String {
        var base = Substring(nodeURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        guard let target = endpoint.target(parameters) else {
            throw ClientError(.malformed, "\(endpoint.path) needs \(endpoint.path.segments.count) path segments filled in")
        }
        return base + target
    }
}

@available(*, unavailable, message: "an ActivationClient owns an HTTPClient, used by one thread at a time")
extension ActivationClient: Sendable {}
