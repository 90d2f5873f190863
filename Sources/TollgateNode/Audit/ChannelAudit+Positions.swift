import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

extension ChannelAudit {
    /// A signed object that names its own position in its issuer's log (a license's or an
    /// activation's `log_index`), with the evidence that identifies it.
    struct ClaimedPosition {
        let compact: String
        let issuer: String
        let index: UInt64
        let iat: Int64
        let what: String
        /// The object, and for an activation or deactivation the license it belongs to with its chain.
        let evidence: [AuditEvidence]
    }

    /// Hidden issuance: the object is not in its issuer's log at the index it names. Either the
    /// auditor holds that entry and it is something else, or the issuer's parent witnessed a
    /// checkpoint that does not reach the index, later than the object is dated (an honest node logs
    /// an object before it hands it out, so every checkpoint it signs afterwards contains it).
    mutating func checkPosition(_ claim: ClaimedPosition) throws {
        guard let log = view.logs[claim.issuer], !log.isSelf else { return }
        if let entry = try log.entry(at: claim.index) {
            guard entry.bytes != Array(claim.compact.utf8) else { return }
            add(.hiddenIssuance, node: claim.issuer, "\(claim.what) is not at log index \(claim.index) of \(log.name)'s log",
                claim.evidence + (try view.entryEvidence(node: claim.issuer, index: claim.index)), identity: [claim.compact])
            return
        }
        // Only the parent's own witnesses date a checkpoint (see `checkTiming`).
        let parent = view.parentOf[claim.issuer]
        let witnessed = (view.witnesses[claim.issuer] ?? []).filter {
            $0.log == parent && $0.size <= claim.index && $0.time - Self.backdatingTolerance > claim.iat
        }
        guard let witness = witnessed.min(by: { ($0.time, $0.index) < ($1.time, $1.index) }) else { return }
        add(.hiddenIssuance, node: claim.issuer,
            "\(claim.what) (log index \(claim.index), dated \(TimeText.iso(claim.iat))) is missing from \(log.name)'s checkpoint of \(witness.size) entries witnessed at \(TimeText.iso(witness.time))",
            claim.evidence + (try view.witnessEvidence(witness)), identity: [claim.compact])
    }

    /// Licenses and activations in their issuer's log must sit at the index they name (`run` holds
    /// the ones of `log` that name another).
    mutating func checkLoggedPositions(_ log: AuditedLog, _ run: LogRun, licenses: [String: LoggedLicense]) throws {
        guard !log.isSelf else { return }
        for (license, _) in run.misplacedLicenses {
            guard let chain = view.chain(ending: license.payload.cert) else { continue }
            try checkPosition(ClaimedPosition(compact: license.compact, issuer: log.node, index: license.payload.logIndex, iat: license.payload.iat,
                                              what: "license for \(license.payload.customer)",
                                              evidence: [AuditEvidence(role: .license, object: license.compact, chain: chain)]))
        }
        for (activation, _) in run.misplacedActivations {
            guard let claimed = activation.payload.logIndex, let license = licenses[activation.payload.license] else { continue }
            try checkPosition(ClaimedPosition(compact: activation.compact, issuer: log.node, index: claimed, iat: activation.payload.iat,
                                              what: "activation of serial \(activation.payload.serial)",
                                              evidence: [AuditEvidence(role: .activation, object: activation.compact),
                                                         AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index),
                                                                       chain: license.chain)]))
        }
    }

    /// Objects seen outside the logs (a customer showed one to the vendor) must be in their issuer's
    /// log at their `log_index`; an observed license on serials its issuer logged for another is
    /// also a duplicate serial.
    mutating func auditObservations(_ observations: [Observation]) throws {
        let verifier = LicenseVerifier(anchor: auditor.identity.anchor, cache: VerifiedCertificateCache())
        for observation in observations {
            guard let verified = try? verifier.verifyChain(observation.license.chain),
                  let license = try? SignedLicense(compact: observation.license.license),
                  license.jws.isSigned(by: verified[verified.count - 1].subjectKey) else { continue }
            let chain = observation.license.chain
            let licenseEvidence = AuditEvidence(role: .license, object: license.compact, chain: chain)
            var signers: [String: Ed25519PublicKey] = [auditor.identity.anchor.keyID: auditor.identity.anchor.publicKey]
            for certificate in verified { signers[certificate.subjectKey.thumbprint] = certificate.subjectKey }
            switch observation.kind {
            case .license:
                try checkPosition(ClaimedPosition(compact: license.compact, issuer: license.payload.iss, index: license.payload.logIndex,
                                                  iat: license.payload.iat, what: "license for \(license.payload.customer)", evidence: [licenseEvidence]))
                try checkObservedSerials(license, chain: chain)
            case .activation:
                guard let activation = try? SignedActivation(compact: observation.object), let index = activation.payload.logIndex,
                      activation.payload.license == license.hash || activation.payload.license == license.payload.renews,
                      let key = signers[activation.payload.iss], activation.jws.isSigned(by: key) else { continue }
                try checkPosition(ClaimedPosition(compact: activation.compact, issuer: activation.payload.iss, index: index, iat: activation.payload.iat,
                                                  what: "activation of serial \(activation.payload.serial) for \(license.payload.customer)",
                                                  evidence: [AuditEvidence(role: .activation, object: activation.compact), licenseEvidence]))
            case .deactivation:
                guard let deactivation = try? SignedDeactivation(compact: observation.object), let index = deactivation.payload.logIndex,
                      let key = signers[deactivation.payload.iss], deactivation.jws.isSigned(by: key) else { continue }
                try checkPosition(ClaimedPosition(compact: deactivation.compact, issuer: deactivation.payload.iss, index: index, iat: deactivation.payload.iat,
                                                  what: "deactivation of serial \(deactivation.payload.serial) for \(license.payload.customer)",
                                                  evidence: [AuditEvidence(role: .deactivation, object: deactivation.compact), licenseEvidence]))
            default:
                continue
            }
        }
    }

    /// An observed license that is not one of its issuer's logged objects but claims serials one of
    /// them holds (a renewal on its lineage's serials excepted).
    mutating func checkObservedSerials(_ license: SignedLicense, chain: [String]) throws {
        let claims = license.payload
        let logged = allocations[claims.iss] ?? []
        guard !logged.contains(where: { $0.hash == license.hash }) else { return }
        for other in logged where other.seats.overlaps(claims.seats) {
            if let renews = claims.renews, other.lineage == renews, other.seats == claims.seats { continue }
            let overlap = SerialRange(max(other.seats.start, claims.seats.start), min(other.seats.end, claims.seats.end))
            add(.duplicateSerial, node: claims.iss, "serials \(overlap) were handed out twice (one license was never logged)",
                [AuditEvidence(role: other.role, object: try view.compact(node: claims.iss, index: other.index), chain: other.chain),
                 AuditEvidence(role: .license, object: license.compact, chain: chain)])
        }
    }
}
