import TollgateCertificates

extension ChannelAudit {
    /// Emergency (temporary stand-in) activations within the limits of the license's certificate:
    /// none longer than `max_seconds`, and no more than `max_count` of one license within any
    /// `period_seconds`. The failed machine keeps its seat, so a stand-in beyond these limits is a
    /// second seat nobody paid for.
    mutating func auditEmergencies(_ activations: [(activation: SignedActivation, node: String, index: UInt64)],
                                   licenses: [String: (license: SignedLicense, chain: [String], node: String)]) {
        var byLicense: [String: [(activation: SignedActivation, node: String)]] = [:]
        for (activation, node, _) in activations where node != auditor.identity.keyID {
            let claims = activation.payload
            guard claims.kind == .temporary, claims.replaces != nil, let (license, chain, _) = licenses[claims.license],
                  let certificate = view.certificates[license.payload.cert]?.payload else { continue }
            let limits = certificate.emergencyLimits
            if let exp = claims.exp, exp - claims.iat > limits.maxSeconds {
                add(.emergencyOveruse, node: node, "an emergency activation of serial \(claims.serial) lasts \(exp - claims.iat) s; the certificate allows \(limits.maxSeconds) s",
                    [AuditEvidence(role: .activation, object: activation.compact), AuditEvidence(role: .license, object: license.compact, chain: chain)])
            }
            byLicense[claims.license, default: []].append((activation, node))
        }
        for (lineage, group) in byLicense.sorted(by: { $0.key < $1.key }) {
            let (license, chain, _) = licenses[lineage]!
            let limits = view.certificates[license.payload.cert]!.payload.emergencyLimits
            guard group.count > limits.maxCount else { continue }
            let ordered = group.sorted { ($0.activation.payload.iat, $0.activation.hash) < ($1.activation.payload.iat, $1.activation.hash) }
            // Each window of max_count + 1 consecutive emergencies that fits inside one period is over-use.
            for start in 0...(ordered.count - limits.maxCount - 1) {
                let window = ordered[start...(start + limits.maxCount)]
                guard window.last!.activation.payload.iat - window.first!.activation.payload.iat < limits.periodSeconds else { continue }
                add(.emergencyOveruse, node: window.last!.node,
                    "license for \(license.payload.customer) had \(window.count) emergency activations within \(limits.periodSeconds) s; the certificate allows \(limits.maxCount)",
                    window.map { AuditEvidence(role: .activation, object: $0.activation.compact) }
                        + [AuditEvidence(role: .license, object: license.compact, chain: chain)])
            }
        }
    }
}
