import TollgateCertificates
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// Sales and renewals by the seller's order id: an order already issued with the same terms is
/// answered 200 with its license, issuing nothing; a new one 201.
extension NodeAPI {
    /// `POST /v1/licenses`: a sale naming an order already issued is answered from the order
    /// book; one issued meanwhile by a concurrent call (refused as order_conflict while planned)
    /// is looked up again, so the loser of the race gets the winner's license.
    func issue(_ request: LicenseRequest, at now: Int64) throws -> HTTPResponse {
        guard request.order != nil else { return try .json(try executor.issue(request, at: now), status: .created) }
        if let existing = try executor.perform({ node throws(NodeError) in try node.existingOrder(request) }) {
            return try .json(existing.file, status: .ok)
        }
        do {
            return try .json(try executor.issue(request, at: now), status: .created)
        } catch let error as NodeError where error.code == .orderConflict {
            guard let existing = try executor.perform({ node throws(NodeError) in try node.existingOrder(request) }) else { throw error }
            return try .json(existing.file, status: .ok)
        }
    }

    /// A bulk call's outcomes: 201 when some order was issued now, 200 when every one was issued before.
    func orderResults(_ results: [OrderOutcome]) throws -> HTTPResponse {
        try .json(APIBodies.OrderResultsBody(results: results), status: results.contains { $0.status == .issued } ? .created : .ok)
    }
}
