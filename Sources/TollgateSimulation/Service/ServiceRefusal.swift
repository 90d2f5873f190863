import Foundation
import TollgateCertificates
import TollgateHTTPMessages
import TollgateNode

/// A node's service said no: the status and RFC 9457 problem it answered with, as any client of
/// the API sees them. The simulator tells refusals apart by their problem type, never by text.
struct ServiceRefusal: Error, CustomStringConvertible {
    let status: Int
    /// The problem type after the API's `/problems/` prefix: `quota-exhausted`, `storage-full`,
    /// `rule/expired`; `undecodable` when the answer was not the message it should have been.
    let problem: String
    let detail: String

    init(status: Int, problem: String, detail: String) {
        self.status = status
        self.problem = problem
        self.detail = detail
    }

    /// The refusal an answer carries.
    init(_ response: HTTPResponse) {
        let details = response.problemDetails
        let type = details?.type ?? "about:blank"
        let name = type.range(of: "/problems/").map { String(type[$0.upperBound...]) } ?? type
        self.init(status: response.status.code, problem: name, detail: details?.detail ?? String(response.bodyText.prefix(200)))
    }

    /// Whether this is the refusal the API gives for a node error with `code` (outside the rule-based codes).
    func means(_ code: NodeError.Code) -> Bool {
        problem == code.rawValue.replacingOccurrences(of: "_", with: "-")
    }

    /// Whether this is a refusal by the certificate or license rule `rule`.
    func breaks(_ rule: VerificationError.Rule) -> Bool {
        problem == "rule/\(rule.rawValue)"
    }

    /// The node could not store the change (503 `storage`, `storage-full`…): nothing of it was kept.
    var isStorage: Bool { status == 503 && problem.hasPrefix("storage") }

    /// The node is down: the call found nobody to answer it.
    static func down(_ node: String) -> ServiceRefusal {
        ServiceRefusal(status: 503, problem: "unreachable", detail: "\(node) is down")
    }

    /// Judges the refusal for the run: a storage failure is expected only where a fault was
    /// injected, and must have left the node's log as it was (a refused request changes nothing);
    /// a 5xx or an answer that is not its message never is. True when no workload expects it.
    func isUnexpected(_ handled: NodeService.Handled, at node: String, _ context: String, checker: inout InvariantChecker) -> Bool {
        if isStorage {
            checker.check(.withinCertificates, !handled.refusalChangedLog, "\(node) refused \(context) for a storage failure, yet its log changed")
            return handled.faults == 0
        }
        return status >= 500 || isUndecodable
    }

    /// The answer was not the message the endpoint answers with.
    var isUndecodable: Bool { problem == "undecodable" }

    var description: String { "\(status) \(problem): \(detail)" }
}
