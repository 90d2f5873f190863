import TollgateCertificates

extension ChannelAudit {
    /// Emergency (temporary stand-in) activations within the limits of the license's certificate:
    /// none longer than `max_seconds`, and no more than `max_count` of one license within any
    /// `period_seconds`. The failed machine keeps its seat, so a stand-in beyond these limits is a
    /// second seat nobody paid for.
    mutating func auditEmergencies(_ activations: [LoggedActivation], licenses: [String: LoggedLicense]) throws {
        var byLicense: [String: [LoggedActivation]] = [:]
        for activation in activations where activation.node != auditor.identity.keyID {
            guard activation.kind == .temporary, activation.isStandIn, let license = licenses[activation.license],
                  let certificate = view.certificates[license.cert]?.payload else { continue }
            let limits = certificate.emergencyLimits
            if let exp = activation.exp, exp - activation.iat > limits.maxSeconds {
                add(.emergencyOveruse, node: activation.node,
                    "an emergency activation of serial \(activation.serial) lasts \(exp - activation.iat) s; the certificate allows \(limits.maxSeconds) s",
                    [AuditEvidence(role: .activation, object: try view.compact(node: activation.node, index: activation.index)),
                     AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index), chain: license.chain)])
            }
            byLicense[activation.license, default: []].append(activation)
        }
        for (lineage, group) in byLicense.sorted(by: { $0.key < $1.key }) {
            let license = licenses[lineage]!
            let limits = view.certificates[license.cert]!.payload.emergencyLimits
            guard group.count > limits.maxCount else { continue }
            let ordered = group.sorted { ($0.iat, $0.hash) < ($1.iat, $1.hash) }
            // Each window of max_count + 1 consecutive emergencies that fits inside one period is over-use.
            for start in 0...(ordered.count - limits.maxCount - 1) {
                let window = ordered[start...(start + limits.maxCount)]
                guard window.last!.iat - window.first!.iat < limits.periodSeconds else { continue }
                add(.emergencyOveruse, node: window.last!.node,
                    "license for \(license.customer) had \(window.count) emergency activations within \(limits.periodSeconds) s; the certificate allows \(limits.maxCount)",
                    try window.map { AuditEvidence(role: .activation, object: try view.compact(node: $0.node, index: $0.index)) }
                        + [AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index), chain: license.chain)])
            }
        }
    }
}
