import Foundation
import TollgateCertificates
import TollgateLedger

extension ChannelAudit {
    /// Findings a descendant recorded in its log (`finding-recorded`), such as an equivocation it
    /// refused in a push: each is re-checked from its evidence alone and adopted only if it holds,
    /// so no reporter can accuse an honest node with a finding that does not hold.
    mutating func adoptReportedFindings(_ logs: [AuditedLog]) throws {
        let check = FindingCheck(anchor: auditor.identity.anchor)
        for log in logs where !log.isSelf {
            try log.forEachChunk { entries in
                for entry in entries where entry.kind == LogEntryKind.findingRecorded.rawValue {
                    guard let reported = try? AuditFinding(logEntry: entry.bytes), (try? check.check(reported)) != nil else { continue }
                    // The id is derived again from what the finding says, never taken from the reporter.
                    let adopted = AuditFinding(kind: reported.kind, node: reported.node, nodeName: view.names[reported.node] ?? reported.nodeName,
                                               summary: "reported by \(log.name): \(reported.summary)", evidence: reported.evidence,
                                               detectedAt: reported.detectedAt)
                    adoptedIDs.insert(adopted.id)
                    findings.append(adopted)
                }
            }
        }
    }
}
