import TollgateCommandLine
import TollgateHTTPMessages
import TollgateNode

/// A node's "no", printed the same one-line way whether the node ran in this process, answered
/// over HTTP or refused a machine: `the node refused (price_below_floor): price EUR 0.50 is below
/// the floor EUR 1.00`, exit code 4. Failures to do the work at all (storage, transport) keep 3.
enum Refusal {
    static func failure(code: String, detail: String) -> CommandFailure {
        CommandFailure("the node refused (\(code)): \(withoutRule(code, detail))", exitCode: .refused)
    }

    /// A rule's reason starts `<rule> in <object>: `; the rule is already in parentheses, and the
    /// object is the one the command made. What is left is the sentence.
    static func withoutRule(_ code: String, _ detail: String) -> String {
        guard detail.hasPrefix("\(code) in "), let colon = detail.range(of: ": ") else { return detail }
        return String(detail[colon.upperBound...])
    }

    /// A node error raised in this process; a storage failure is no refusal.
    static func failure(for error: NodeError) -> CommandFailure {
        guard error.code != .storage else { return CommandFailure("\(error)") }
        return failure(code: error.rule?.rawValue ?? error.code.rawValue, detail: error.reason)
    }

    /// A node's problem answer; 401 (a wrong token) and 5xx are failures to do the work, not rules.
    static func failure(for problem: ProblemDetails, status: Int) -> CommandFailure {
        let code = String(problem.type.split(separator: "/").last ?? Substring(problem.type)).replacingOccurrences(of: "-", with: "_")
        let detail = problem.detail ?? problem.title ?? "HTTP \(status)"
        guard (400..<500).contains(status), status != 401 else {
            return CommandFailure("the node failed (\(code), HTTP \(status)): \(detail)")
        }
        return failure(code: code, detail: detail)
    }
}
