import Foundation
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages
import TollgateWire

extension ActivationClient {
    /// Sends the usage records the agent has not receipted yet (all of them with `everything`) to
    /// `nodeURL` (``Endpoint/usageUpload``), and installs the signed receipt it answers with. When
    /// the agent answers that this machine's chain forks the one it logged (`forked`), the receipt
    /// names the agent's head, which this machine does not hold: it is returned, not installed.
    public func uploadUsage(nodeURL: String, everything: Bool = false) throws(ClientError) -> UsageUploadResult {
        let upload = try wallet.usageUpload(everything: everything)
        let url = try Self.url(nodeURL, .usageUpload)
        let body: Data
        do {
            body = try upload.encoded()
        } catch {
            throw ClientError(.malformed, "cannot encode the usage upload: \(error)")
        }
        let headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
        let response = try send(HTTPClientRequest(method: Endpoint.usageUpload.method, url: url, headers: headers, body: Array(body)), url: url)
        guard response.status.code == 201 || response.status.code == 200 else { throw Self.failure(response, url: url) }
        let result: UsageUploadResult
        do {
            result = try UsageUploadResult(data: Data(response.body))
        } catch {
            throw ClientError(.unexpectedResponse, "\(url) answered a usage result that does not decode: \(error)")
        }
        if result.forked.isEmpty { try wallet.installUsageResult(result, at: clock()) }
        return result
    }
}
