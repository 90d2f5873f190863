import Foundation
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages
import TollgateWire

/// Floating seats over the lease server's `POST /v1/leases`: each answer is verified and installed
/// in the wallet before the call returns; a refusal (no seat free, an expired lease) comes back as
/// `ClientError` `.refused` with the node's problem.
extension ActivationClient {
    /// Leases a free seat of the installed floating license (asking again returns the lease held).
    public func lease(nodeURL: String, country: String? = nil) throws(ClientError) -> VerifiedLease {
        try leaseCall(.lease, nodeURL: nodeURL, country: country)
    }

    /// Extends the lease held (or brings it back shortly after it expired, while its serial is free).
    public func heartbeat(nodeURL: String) throws(ClientError) -> VerifiedLease {
        try leaseCall(.heartbeat, nodeURL: nodeURL, country: nil)
    }

    /// Borrows a seat for the license's borrow length, for a machine going offline.
    public func borrow(nodeURL: String, country: String? = nil) throws(ClientError) -> VerifiedLease {
        try leaseCall(.borrow, nodeURL: nodeURL, country: country)
    }

    /// Gives the lease held back now; the wallet forgets it once the server's release is installed.
    public func release(nodeURL: String) throws(ClientError) -> SignedLeaseRelease {
        let receipt = try submitLease(try wallet.leaseRequest(.release, at: clockNow()), to: nodeURL)
        let release: SignedLeaseRelease
        do {
            release = try SignedLeaseRelease(compact: receipt.lease)
        } catch {
            throw ClientError(error, while: "the node's release does not parse")
        }
        try wallet.installLease(receipt, at: clockNow())
        return release
    }

    private func leaseCall(_ action: MachineRequest.Action, nodeURL: String, country: String?) throws(ClientError) -> VerifiedLease {
        let receipt = try submitLease(try wallet.leaseRequest(action, country: country, at: clockNow()), to: nodeURL)
        guard let verified = try wallet.installLease(receipt, at: clockNow()) else {
            throw ClientError(.unexpectedResponse, "the node answered the \(action.rawValue) with a release")
        }
        return verified
    }

    private func submitLease(_ request: String, to nodeURL: String) throws(ClientError) -> LeaseReceipt {
        let url = try Self.url(nodeURL, .leaseRequest)
        let headers: HTTPHeaders = ["Content-Type": "application/jose", "Accept": "application/json"]
        let response = try send(HTTPClientRequest(method: Endpoint.leaseRequest.method, url: url, headers: headers, body: Array(request.utf8)), url: url)
        guard response.status.code == 201 else { throw Self.failure(response, url: url) }
        do {
            return try LeaseReceipt(data: Data(response.body))
        } catch {
            throw ClientError(.malformed, "not a Tollgate lease receipt: \(error.reason)")
        }
    }
}
