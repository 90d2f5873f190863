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

    func insertObservation(_ observation: Observation, at now: Int64) throws -> Bool {
        let license: SQLiteValue = observation.kind == .license ? .null : .text(observation.license.license)
        try database.execute("INSERT OR IGNORE INTO observations (hash, kind, object, chain, observed_at, license) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                             [.text(JWS.hash(of: observation.object)), .text(observation.kind.rawValue), .text(observation.object),
                              .text(CertificateChain.encodeChainText(observation.license.chain)), .integer(now), license])
        return database.changes == 1
    }

    func observations() throws -> [Observation] {
        try database.query("SELECT kind, object, chain, license FROM observations ORDER BY observed_at, hash").map { row in
            let kind = Observation.Kind(try row.text(0)), object = try row.text(1)
            let license = kind == .license ? object : try row.text(3)
            return Observation(kind: kind, object: object, license: LicenseFile(chain: try CertificateChain.decodeChainText(row.text(2)), license: license))
        }
    }
}
