import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// The audit of a node's subtree: applies the channel rules to a `ChannelView` and collects findings
/// with their evidence.
struct ChannelAudit {
    /// Tolerance for clocks and delivery when comparing a node's times with its witnesses' times.
    static let backdatingTolerance: Int64 = 900

    let view: ChannelView
    var findings: [AuditFinding] = []
    /// Each audited node's logged objects that hand out serials, by key id, for checking objects
    /// seen outside the logs against them.
    var allocations: [String: [Allocation]] = [:]
    /// Findings adopted from descendants' logs: already in a log below, so not recorded again.
    var adoptedIDs: Set<String> = []

    init(auditor: NodeContext, log: NodeLog, at now: Int64) throws {
        view = try ChannelView(auditor: auditor, log: log, at: now)
    }

    var auditor: NodeContext { view.auditor }
    var now: Int64 { view.now }

    mutating func add(_ kind: AuditFinding.Kind, node: String, _ summary: String, _ evidence: [AuditEvidence], identity: [String]? = nil) {
        findings.append(AuditFinding(kind: kind, node: node, nodeName: view.names[node] ?? node, summary: summary, evidence: evidence,
                                     detectedAt: now, identity: identity))
    }
}
