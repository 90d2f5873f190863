import Foundation
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// The RFC 9457 problem types the API answers with: one stable `type` URI per refusal.
enum APIProblem {
    static let base = "https://tollgate.dev/problems/"

    static func response(for error: NodeError) -> HTTPResponse {
        let status: HTTPStatus
        switch error.code {
        case .invalidRequest, .webhookURLInvalid, .unknownEventType: status = .badRequest
        case .notFound: status = .notFound
        case .unauthorized, .notLeaseHolder: status = .forbidden
        case .noSeatFree, .tooManyWebhooks, .orderConflict: status = .conflict
        case .batchRefused: status = .unprocessableContent
        case .leaseExpired: status = .gone
        case .serialsTaken, .quotaExhausted, .seatsInUse, .replayed, .syncOverdue, .logConflict, .usageOutOfSequence, .customerMismatch:
            status = .conflict
        case .ruleViolation, .certificateRejected, .noCertificate, .licenseInvalid, .findingUnproven: status = .unprocessableContent
        case .storage: status = .serviceUnavailable
        default: status = .internalServerError
        }
        // Refusals by a certificate rule get one type per rule; malformed input keeps the generic type.
        let byRule: Set<NodeError.Code> = [.ruleViolation, .certificateRejected, .licenseInvalid]
        // A storage failure the store could classify says what to fix: `storage-full`, `storage-read-only`.
        let type = error.rule.flatMap { byRule.contains(error.code) ? "\(base)rule/\($0.rawValue)" : nil }
            ?? error.storageCondition.map { "\(base)storage-\($0.rawValue.replacingOccurrences(of: "_", with: "-"))" }
            ?? base + error.code.rawValue.replacingOccurrences(of: "_", with: "-")
        var headers = HTTPHeaders()
        // Space coming back or the directory made writable again is an operator's step, not a moment's wait.
        if error.storageCondition != nil { headers.add(name: "Retry-After", value: "30") }
        // A bulk call's refusal names every bad row in the `errors` extension member.
        if let rows = error.rows {
            let body = APIBodies.BatchRefusalBody(type: type, title: title(error), status: status.code, detail: error.reason, errors: rows)
            if let response = try? HTTPResponse.json(body, status: status, contentType: ProblemDetails.mediaType) { return response }
        }
        return .problem(ProblemDetails(type: type, title: title(error), status: status.code, detail: error.reason), headers: headers)
    }

    static func title(_ error: NodeError) -> String {
        switch error.code {
        case .invalidRequest: "The request is invalid"
        case .notFound: "Not found"
        case .unauthorized: "Not signed by the right key"
        case .serialsTaken: "Serials already handed out"
        case .quotaExhausted: "Not enough quota left"
        case .seatsInUse: "All seats are in use"
        case .noSeatFree: "No floating seat is free"
        case .leaseExpired: "The lease has ended"
        case .notLeaseHolder: "Not the lease's holder"
        case .replayed: "Request replayed or stale"
        case .ruleViolation: "Refused by a certificate rule"
        case .certificateRejected: "Certificate rejected"
        case .noCertificate: "No usable certificate"
        case .licenseInvalid: "The license is not valid"
        case .findingUnproven: "The evidence does not prove the finding"
        case .syncOverdue: "Sync with the parent first"
        case .logConflict: "The log does not extend what is held"
        case .usageOutOfSequence: "The usage records do not extend the logged chain"
        case .customerMismatch: "The license belongs to another customer"
        case .webhookURLInvalid: "The webhook URL is not allowed"
        case .unknownEventType: "Unknown event type"
        case .tooManyWebhooks: "Too many webhooks"
        case .orderConflict: "The order id is already taken by other terms"
        case .batchRefused: "Some rows are bad, so nothing was issued"
        case .storage:
            switch error.storageCondition {
            case .full?: "The node's disk is full"
            case .readOnly?: "The node's directory is read-only"
            case nil: "The node could not store the change"
            }
        default: "Refused"
        }
    }

    static func malformedBody(_ error: any Error) -> HTTPResponse {
        .problem(ProblemDetails(type: base + "malformed-body", title: "The body is not the expected JSON", status: 400,
                                detail: "\(error)"))
    }

    static let nodeSignatureRequired = HTTPResponse.problem(ProblemDetails(
        type: base + "node-signature-required", title: "Node signature required", status: 401,
        detail: "sync calls carry Tollgate-Node, Tollgate-Date, Tollgate-Nonce and Tollgate-Signature headers"))

    static let operatorTokenRequired = HTTPResponse.problem(ProblemDetails(
        type: base + "operator-token-required", title: "Operator token required", status: 401,
        detail: "send 'Authorization: Bearer <token>' with the node's operator token"))

    /// A console route on an API that serves no console (one built without `node serve`'s composition).
    static let consoleNotServed = HTTPResponse.problem(ProblemDetails(
        type: base + "console-not-served", title: "Console not served", status: 404,
        detail: "this API serves no web console; 'tollgate node serve' does, at /console"))

    static func notFound(_ request: HTTPRequest) -> HTTPResponse {
        .problem(ProblemDetails(type: base + "no-such-endpoint", title: "No such endpoint", status: 404,
                                detail: "\(request.method) \(request.path) is not part of the API"))
    }

    static func methodNotAllowed(_ request: HTTPRequest, allowed: [String]) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Allow", value: allowed.joined(separator: ", "))
        return .problem(ProblemDetails(type: base + "method-not-allowed", title: "Method not allowed", status: 405,
                                       detail: "\(request.path) accepts \(allowed.joined(separator: ", "))"), headers: headers)
    }
}
