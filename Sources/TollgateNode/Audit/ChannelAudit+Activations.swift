import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

extension ChannelAudit {
    /// Activations: inside the license's territory, made by its issuer or an ancestor, and never two
    /// machines on one serial at the same time.
    mutating func auditActivations(_ activations: [(activation: SignedActivation, node: String, index: UInt64)],
                                   deactivations: [String: Int64],
                                   licenses: [String: (license: SignedLicense, chain: [String], node: String)]) throws {
        var bySerial: [String: [(activation: SignedActivation, node: String, end: Int64)]] = [:]
        for (activation, node, _) in activations where node != auditor.identity.keyID {
            let claims = activation.payload
            guard let (license, chain, issuer) = licenses[claims.license] else { continue }
            let evidence = [AuditEvidence(role: .activation, object: activation.compact),
                            AuditEvidence(role: .license, object: license.compact, chain: chain)]
            let ancestors = Set(ancestry(of: issuer))
            if node != issuer && !ancestors.contains(node) {
                add(.unauthorizedActivation, node: node, "activated serial \(claims.serial) of a license issued by \(view.names[issuer] ?? issuer)", evidence)
            }
            if !license.payload.territory.contains(claims.country) {
                add(.crossRegionActivation, node: node,
                    "activated in \(claims.country), outside the territory \(license.payload.territory.joined(separator: ","))", evidence)
            }
            if !license.payload.seats.contains(claims.serial) {
                add(.rangeEscape, node: node, "activated serial \(claims.serial), outside the license's \(license.payload.seats)", evidence)
            }
            guard claims.kind != .temporary || claims.replaces == nil else { continue }
            let end = [claims.exp, deactivations[activation.hash]].compactMap { $0 }.min() ?? Int64.max
            bySerial["\(claims.license)#\(claims.serial)", default: []].append((activation, node, end))
        }
        for (_, group) in bySerial.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            let ordered = group.sorted { ($0.activation.payload.iat, $0.activation.hash) < ($1.activation.payload.iat, $1.activation.hash) }
            for (offset, earlier) in ordered.enumerated() {
                // Both ways: with one-second times, a seat given back and taken again in the same second
                // ties on `iat`, and `ordered` may then put the new activation first.
                for later in ordered[(offset + 1)...]
                where later.activation.payload.iat < earlier.end && earlier.activation.payload.iat < later.end {
                    let (license, chain, _) = licenses[later.activation.payload.license]!
                    add(.overActivation, node: later.node,
                        "serial \(later.activation.payload.serial) was active on two machines at \(later.activation.payload.iat)",
                        [AuditEvidence(role: .activation, object: earlier.activation.compact),
                         AuditEvidence(role: .activation, object: later.activation.compact),
                         AuditEvidence(role: .license, object: license.compact, chain: chain)])
                }
            }
        }
    }

    /// Key ids of the nodes above `node`, nearest first, up to the auditor.
    func ancestry(of node: String) -> [String] {
        var chain: [String] = []
        var current = node
        while let parent = view.parentOf[current], chain.count < 16 {
            chain.append(parent)
            current = parent
        }
        return chain
    }

    /// A node is stale when its parent's log, as far as the auditor has it, shows no sync from it for
    /// longer than `sync_within`.
    mutating func auditStaleness() throws {
        let selfID = auditor.identity.keyID
        for (node, limit) in view.syncWithin.sorted(by: { $0.key < $1.key }) {
            guard let parent = view.parentOf[node] else { continue }
            // How far the parent's log reaches in time: now for the auditor, else its last witness.
            let horizon = parent == selfID ? now : (view.witnesses[parent] ?? []).map(\.time).max()
            guard let horizon else { continue }
            let seen = (view.witnesses[node] ?? []).filter { $0.log == parent }
            guard let last = seen.max(by: { $0.time < $1.time }) else { continue }
            if horizon - last.time > limit {
                let certificate = view.certificates.values.first { $0.payload.subKey == view.logs[node].map { Base64URL.encode($0.key.rawRepresentation) } }
                let identification = certificate.map { [AuditEvidence(role: .certificate, object: $0.compact, chain: $0.payload.parent.flatMap(view.chain(ending:)))] } ?? []
                add(.staleNode, node: node, "no sync from \(view.names[node] ?? node) since \(TimeText.iso(last.time)), more than sync_within (\(TimeText.duration(limit))) before \(TimeText.iso(horizon))",
                    identification + (try view.witnessEvidence(last)), identity: ["stale since \(last.time)"])
            }
        }
    }
}
