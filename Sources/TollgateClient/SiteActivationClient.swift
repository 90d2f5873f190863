import TollgateHTTP
import TollgateWire

/// Binds a site node online: sends the site's signed binding request to the agent that issued its
/// floating license and returns the agent's answer (the site activation), for the site to install,
/// as it would install a response file carried by hand.
///
/// Like the `HTTPClient` it owns, an instance is used by one thread at a time.
public final class SiteActivationClient {
    private let http: HTTPClient

    /// - Parameter configuration: timeouts and trust; set `caBundlePath` to trust a private CA.
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(ClientError) {
        var configuration = configuration
        configuration.userAgent = "tollgate-site"
        do {
            http = try HTTPClient(configuration: configuration)
        } catch {
            throw ClientError(.transport, "cannot set up the HTTP client: \(error)")
        }
    }

    /// Sends `request` (a `tollgate site request`, compact JWS) to the agent at `nodeURL`.
    public func activate(_ request: String, nodeURL: String) throws(ClientError) -> ActivationReceipt {
        try ActivationClient.submit(request, to: nodeURL, with: http)
    }
}

@available(*, unavailable, message: "a SiteActivationClient owns an HTTPClient, used by one thread at a time")
extension SiteActivationClient: Sendable {}
