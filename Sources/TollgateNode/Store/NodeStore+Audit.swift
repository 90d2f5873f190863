import Foundation
import TollgateCertificates
import TollgateLedger

extension NodeStore {
    /// Stores a finding once; a finding with the same id is already there. Returns whether it is new.
    @discardableResult
    func insertFinding(_ finding: AuditFinding) throws -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try database.execute(
            """
            INSERT OR IGNORE INTO audit_findings (id, kind, node_key_id, node_name, summary, evidence, detected_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """,
            [.text(finding.id), .text(finding.kind.rawValue), .text(finding.node), .text(finding.nodeName), .text(finding.summary),
             .text(String(decoding: try encoder.encode(finding.evidence), as: UTF8.self)), .integer(finding.detectedAt)])
        return database.changes == 1
    }

    public func findings() throws -> [AuditFinding] {
        try database.query("SELECT id, kind, node_key_id, node_name, summary, evidence, detected_at FROM audit_findings ORDER BY detected_at, id").map { row in
            var finding = AuditFinding(kind: .init(try row.text(1)), node: try row.text(2), nodeName: try row.text(3), summary: try row.text(4),
                                       evidence: try JSONDecoder().decode([AuditEvidence].self, from: Data(row.text(5).utf8)),
                                       detectedAt: try row.int64(6))
            finding.id = try row.text(0)
            return finding
        }
    }

    func insertObservation(kind: String, object: String, chain: [String], at now: Int64) throws -> Bool {
        try database.execute("INSERT OR IGNORE INTO observations (hash, kind, object, chain, observed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                             [.text(JWS.hash(of: object)), .text(kind), .text(object), .text(CertificateChain.encodeChainText(chain)), .integer(now)])
        return database.changes == 1
    }

    func observations() throws -> [(kind: String, object: String, chain: [String])] {
        try database.query("SELECT kind, object, chain FROM observations ORDER BY observed_at, hash").map {
            (try $0.text(0), try $0.text(1), try CertificateChain.decodeChainText($0.text(2)))
        }
    }
}
