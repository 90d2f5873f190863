import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

extension ChannelAudit {
    /// Activations: inside the license's territory, made by its issuer or an ancestor, and never two
    /// machines on one serial at the same time, unless the license is lenient and one of them is
    /// marked over-use.
    mutating func auditActivations(_ activations: [LoggedActivation], deactivations: [String: Int64],
                                   licenses: [String: LoggedLicense]) throws {
        var bySerial: [String: [(activation: LoggedActivation, end: Int64)]] = [:]
        for activation in activations where activation.node != auditor.identity.keyID {
            let node = activation.node
            guard let license = licenses[activation.license] else { continue }
            let issuer = license.node
            func evidence() throws -> [AuditEvidence] {
                [AuditEvidence(role: .activation, object: try view.compact(node: node, index: activation.index)),
                 AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index), chain: license.chain)]
            }
            let ancestors = Set(ancestry(of: issuer))
            if node != issuer && !ancestors.contains(node) {
                add(.unauthorizedActivation, node: node, "activated serial \(activation.serial) of a license issued by \(view.names[issuer] ?? issuer)",
                    try evidence())
            }
            if !license.territory.contains(activation.country) {
                add(.crossRegionActivation, node: node,
                    "activated in \(activation.country), outside the territory \(license.territory.joined(separator: ","))", try evidence())
            }
            if !license.seats.contains(activation.serial) {
                add(.rangeEscape, node: node, "activated serial \(activation.serial), outside the license's \(license.seats)", try evidence())
            }
            guard activation.kind != .temporary || !activation.isStandIn else { continue }
            let end = [activation.exp, deactivations[activation.hash]].compactMap { $0 }.min() ?? Int64.max
            bySerial["\(activation.license)#\(activation.serial)", default: []].append((activation, end))
        }
        for (_, group) in bySerial.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            let ordered = group.sorted { ($0.activation.iat, $0.activation.hash) < ($1.activation.iat, $1.activation.hash) }
            for (offset, earlier) in ordered.enumerated() {
                // Both ways: with one-second times, a seat given back and taken again in the same second
                // ties on `iat`, and `ordered` may then put the new activation first.
                for later in ordered[(offset + 1)...]
                where later.activation.iat < earlier.end && earlier.activation.iat < later.end {
                    let license = licenses[later.activation.license]!
                    // A lenient license allows machines beyond its seats, each marked over-use: the
                    // `piracy` report counts them; they are no cheat. Unmarked sharing still is.
                    if license.isLenient, earlier.activation.overUse != nil || later.activation.overUse != nil { continue }
                    add(.overActivation, node: later.activation.node,
                        "serial \(later.activation.serial) was active on two machines at \(later.activation.iat)",
                        [AuditEvidence(role: .activation, object: try view.compact(node: earlier.activation.node, index: earlier.activation.index)),
                         AuditEvidence(role: .activation, object: try view.compact(node: later.activation.node, index: later.activation.index)),
                         AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index), chain: license.chain)])
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
