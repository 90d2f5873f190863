import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// Re-checks a finding from its evidence alone, with nothing but the vendor's trust anchor: every
/// signature, chain, inclusion proof and the rule the finding claims was broken. What a third party
/// (the vendor's lawyer, an arbitrator, the accused agent) runs.
public struct FindingCheck {
    let anchor: TrustAnchor
    let verifier: LicenseVerifier

    public init(anchor: TrustAnchor) {
        self.anchor = anchor
        self.verifier = LicenseVerifier(anchor: anchor)
    }

    /// Throws ``NodeError`` (`finding_unproven`) naming what does not hold, or the ``VerificationError``
    /// of evidence that does not verify.
    public func check(_ finding: AuditFinding) throws {
        var keys: [String: Ed25519PublicKey] = [anchor.keyID: anchor.publicKey]
        for item in finding.evidence {
            for certificate in (item.chain ?? []) + (item.role == .certificate ? [item.object] : []) {
                if let signed = try? SignedCertificate(compact: certificate), let raw = try? Base64URL.decode(signed.payload.subKey),
                   let key = try? Ed25519PublicKey(rawRepresentation: raw) {
                    keys[key.thumbprint] = key
                }
            }
        }
        let context = Context(finding: finding, keys: keys, check: self)
        switch finding.kind {
        case .rangeEscape, .countryEscape, .belowPriceFloor, .issuedOutsideWindow, .entitlementEscape:
            try context.brokenRule()
        case .duplicateSerial: try context.duplicate()
        case .crossRegionActivation, .unauthorizedActivation: try context.activationRule()
        case .overActivation: try context.overActivation()
        case .issuedAfterRevocation: try context.revoked()
        case .usedAfterLicenseRevocation: try context.usedAfterLicenseRevocation()
        case .quotaUsedAfterReturn: try context.usedAfterReturn()
        case .lateSync, .backdating: try context.timing()
        case .logEquivocation: try context.equivocation()
        case .hiddenIssuance: try context.hidden()
        case .staleNode: try context.stale()
        case .invalidObject: try context.invalidObject()
        case .emergencyOveruse: try context.emergencyOveruse()
        case .upgradeBelowFloor, .lineageMismatch, .unauthorizedChange: try context.change()
        case .unauthorizedTransfer: try context.transfer()
        case .trialsBeyondCount: try context.trialsBeyondCount()
        case .usageFork, .usageGap, .usageBeyondAllowance, .unloggedUsage: try context.usage()
        case .leaseOversubscribed: try context.leaseOversubscribed()
        default: throw unproven("no check is known for finding kind \(finding.kind)")
        }
    }

    struct Context {
        let finding: AuditFinding
        let keys: [String: Ed25519PublicKey]
        let check: FindingCheck

        func items(_ role: AuditEvidence.Role) -> [AuditEvidence] { finding.evidence.filter { $0.role == role } }

        func one(_ role: AuditEvidence.Role) throws -> AuditEvidence {
            guard let item = items(role).first else { throw unproven("the evidence has no \(role)") }
            return item
        }

        /// A license and its verified chain; the license must be signed by the chain's last holder.
        func license(_ item: AuditEvidence) throws -> (SignedLicense, [VerifiedCertificate]) {
            let chain = try check.verifier.verifyChain(item.chain ?? [])
            let license = try SignedLicense(compact: item.object)
            guard license.jws.isSigned(by: chain[chain.count - 1].subjectKey) else { throw unproven("the license is not signed by its certificate's holder") }
            return (license, chain)
        }

        func brokenRule() throws {
            if let item = items(.license).first {
                let (license, chain) = try license(item)
                do {
                    try LicenseRules.check(license.payload, within: chain[chain.count - 1].payload)
                    throw unproven("the license breaks no rule of its certificate")
                } catch let error as VerificationError {
                    guard ChannelAudit.kind(for: error.rule) == finding.kind else { throw unproven("the license breaks \(error.rule), not \(finding.kind)") }
                }
            } else {
                let item = try one(.certificate)
                let parents = try check.verifier.verifyChain(item.chain ?? [])
                let parent = parents[parents.count - 1]
                let child = try SignedCertificate(compact: item.object)
                guard child.jws.isSigned(by: parent.subjectKey), child.payload.parent == parent.hash else {
                    throw unproven("the certificate is not signed by the holder of the parent it names")
                }
                do {
                    try Attenuation.check(child: child.payload, parent: parent.payload, object: "certificate")
                    throw unproven("the certificate narrows its parent correctly")
                } catch let error as VerificationError {
                    guard ChannelAudit.kind(for: error.rule) == finding.kind else { throw unproven("the certificate breaks \(error.rule), not \(finding.kind)") }
                }
            }
        }

        /// The signer of an object with serials: a license's issuer, or a delegated certificate's parent holder.
        func allocation(_ item: AuditEvidence) throws -> (issuer: String, seats: SerialRange, lineage: String?, hash: String) {
            if item.role == .license {
                let (license, chain) = try license(item)
                return (chain[chain.count - 1].subjectKey.thumbprint, license.payload.seats, license.seatLineage, license.hash)
            }
            let parents = try check.verifier.verifyChain(item.chain ?? [])
            let certificate = try SignedCertificate(compact: item.object)
            guard certificate.jws.isSigned(by: parents[parents.count - 1].subjectKey) else { throw unproven("a certificate is not signed by its parent's holder") }
            return (parents[parents.count - 1].subjectKey.thumbprint, certificate.payload.seats, nil, certificate.hash)
        }

        func duplicate() throws {
            let objects = finding.evidence.filter { $0.role == .license || $0.role == .certificate }
            guard objects.count == 2 else { throw unproven("a duplicate needs exactly two objects") }
            let a = try allocation(objects[0]), b = try allocation(objects[1])
            guard a.hash != b.hash else { throw unproven("the two objects are the same") }
            guard a.issuer == b.issuer else { throw unproven("the two objects come from different issuers") }
            guard a.seats.overlaps(b.seats) else { throw unproven("the serial ranges \(a.seats) and \(b.seats) do not overlap") }
            guard a.lineage == nil || a.lineage != b.lineage || a.seats != b.seats else { throw unproven("the second license renews the first") }
        }

        func activation(_ item: AuditEvidence, license: SignedLicense, chain: [VerifiedCertificate]) throws -> SignedActivation {
            let activation = try SignedActivation(compact: item.object)
            guard activation.payload.license == (license.lineage) || activation.payload.license == license.hash else {
                throw unproven("the activation names another license")
            }
            guard let key = keys[activation.payload.iss], activation.jws.isSigned(by: key) else { throw unproven("the activation's signature does not verify") }
            return activation
        }

        func activationRule() throws {
            let (license, chain) = try license(try one(.license))
            let activation = try activation(try one(.activation), license: license, chain: chain)
            if finding.kind == .crossRegionActivation {
                guard !license.payload.territory.contains(activation.payload.country) else { throw unproven("the activation is inside the territory") }
            } else {
                let authorities = Set([check.anchor.keyID] + chain.map(\.subjectKey.thumbprint))
                guard !authorities.contains(activation.payload.iss) else { throw unproven("the activator is in the license's chain") }
            }
        }

        func overActivation() throws {
            let (license, chain) = try license(try one(.license))
            let activations = try items(.activation).map { try activation($0, license: license, chain: chain) }
            guard activations.count == 2 else { throw unproven("over-activation needs two activations") }
            let (a, b) = activations[0].payload.iat <= activations[1].payload.iat ? (activations[0], activations[1]) : (activations[1], activations[0])
            guard a.payload.serial == b.payload.serial, a.hash != b.hash else { throw unproven("the activations are not two on one serial") }
            guard b.payload.iat < (a.payload.exp ?? Int64.max) else { throw unproven("the first activation had expired before the second") }
        }

        /// Two leases of one serial of the license for different machines, overlapping in time, each
        /// signed by the license's issuer or by a site its site activation (in the evidence) binds.
        func leaseOversubscribed() throws {
            let (license, chain) = try license(try one(.license))
            let lineage = license.payload.renews ?? license.hash
            var servers: [String: Ed25519PublicKey] = [chain[chain.count - 1].subjectKey.thumbprint: chain[chain.count - 1].subjectKey]
            var sites: Set<String> = []
            for item in items(.activation) {
                let site = try activation(item, license: license, chain: chain)
                guard site.payload.kind == .site, let key = try? Ed25519PublicKey(rawRepresentation: Base64URL.decode(site.payload.machineKey)) else {
                    throw unproven("an activation in the evidence is not a site activation of the license")
                }
                servers[key.thumbprint] = key
                sites.insert(site.hash)
            }
            let leases = try items(.lease).map { try SignedLease(compact: $0.object) }
            guard leases.count == 2 else { throw unproven("over-leasing needs two leases") }
            for lease in leases {
                guard lease.payload.license == lineage, license.payload.seats.contains(lease.payload.serial) else {
                    throw unproven("a lease is not of a serial of the license")
                }
                guard let key = servers[lease.payload.iss], lease.jws.isSigned(by: key), lease.payload.site.map(sites.contains) ?? true else {
                    throw unproven("a lease is not signed by the license's issuer or its bound site")
                }
            }
            let (a, b) = (leases[0].payload, leases[1].payload)
            guard a.serial == b.serial, a.machineKey != b.machineKey else { throw unproven("the leases are not of one serial for two machines") }
            guard a.nbf < b.exp, b.nbf < a.exp else { throw unproven("the leases do not overlap in time") }
        }

        /// One emergency longer than the license certificate's `max_seconds`, or more than
        /// `max_count` of them on the license within one `period_seconds`.
        func emergencyOveruse() throws {
            let (license, chain) = try license(try one(.license))
            let limits = chain[chain.count - 1].payload.emergencyLimits
            let activations = try items(.activation).map { try activation($0, license: license, chain: chain) }
            guard activations.allSatisfy({ $0.payload.kind == .temporary && $0.payload.replaces != nil }) else {
                throw unproven("an activation is not an emergency stand-in")
            }
            guard Set(activations.map(\.hash)).count == activations.count else { throw unproven("an activation is given twice") }
            if activations.count == 1, let exp = activations[0].payload.exp, exp - activations[0].payload.iat > limits.maxSeconds { return }
            guard activations.count > limits.maxCount else { throw unproven("\(activations.count) emergencies are within max_count \(limits.maxCount)") }
            let times = activations.map(\.payload.iat)
            guard times.max()! - times.min()! < limits.periodSeconds else { throw unproven("the emergencies do not fall within one period") }
        }

        func revoked() throws {
            let (license, chain) = try license(try one(.license))
            let revocation = try SignedRevocation(compact: try one(.revocation).object)
            guard let index = chain.firstIndex(where: { $0.hash == revocation.payload.cert }) else { throw unproven("the revocation names no certificate of the chain") }
            let signers = [check.anchor.keyID] + chain[..<index].map(\.subjectKey.thumbprint)
            guard signers.contains(revocation.payload.iss), let key = keys[revocation.payload.iss], revocation.jws.isSigned(by: key) else {
                throw unproven("the revocation is not signed by an ancestor of the revoked certificate")
            }
            guard license.payload.iat >= revocation.payload.effective || license.payload.iat < revocation.payload.iat - ChannelAudit.backdatingTolerance else {
                throw unproven("the license predates the revocation")
            }
        }

        /// A license revocation signed by the license's issuer or an ancestor, and the node's own
        /// activation (or renewal) of the lineage dated from its effective time on, or before it was signed.
        func usedAfterLicenseRevocation() throws {
            let (license, chain) = try license(try one(.license))
            let revocation = try SignedRevocation(compact: try one(.revocation).object)
            let lineage = license.lineage
            guard revocation.payload.license == lineage else { throw unproven("the revocation names another license") }
            let authorities = [check.anchor.keyID] + chain.map(\.subjectKey.thumbprint)
            guard authorities.contains(revocation.payload.iss), let key = keys[revocation.payload.iss], revocation.jws.isSigned(by: key) else {
                throw unproven("the revocation is not signed by the license's issuer or an ancestor")
            }
            let used: (iat: Int64, by: String)
            if let item = items(.activation).first {
                let activation = try activation(item, license: license, chain: chain)
                used = (activation.payload.iat, activation.payload.iss)
            } else {
                guard license.payload.renews != nil else { throw unproven("the evidence has neither an activation nor a renewal") }
                used = (license.payload.iat, chain[chain.count - 1].subjectKey.thumbprint)
            }
            guard used.by == finding.node else { throw unproven("the activation or renewal is not the named node's") }
            guard used.iat >= revocation.payload.effective || used.iat < revocation.payload.iat - ChannelAudit.backdatingTolerance else {
                throw unproven("the activation or renewal predates the revocation")
            }
        }

        func usedAfterReturn() throws {
            let quotaReturn = try SignedQuotaReturn(compact: try one(.quotaReturn).object)
            guard let returner = keys[quotaReturn.payload.iss], quotaReturn.jws.isSigned(by: returner) else { throw unproven("the return's signature does not verify") }
            guard let item = finding.evidence.first(where: { $0.role == .license || $0.role == .certificate }) else { throw unproven("no object uses the serials") }
            let used = try allocation(item)
            guard used.issuer == quotaReturn.payload.iss else { throw unproven("the object is not the returning node's") }
            guard used.seats.overlaps(quotaReturn.payload.seats) else { throw unproven("the object does not use returned serials") }
        }

        /// A checkpoint signed by `node` and an entry of it with a verified inclusion proof.
        func loggedEntry(_ entry: AuditEvidence, checkpoint: AuditEvidence) throws -> (bytes: [UInt8], checkpoint: SignedCheckpoint) {
            guard let node = checkpoint.node, let key = keys[node] else { throw unproven("no key for the log's node") }
            let signed = try SignedCheckpoint(verifying: checkpoint.object, name: "tollgate.dev/node/\(node)", publicKey: key)
            guard let index = entry.index, let proof = entry.proof else { throw unproven("the entry has no index or proof") }
            let bytes = try Base64URL.decode(entry.object)
            try MerkleProof.verifyInclusion(leafHash: MerkleHash.leaf(bytes), index: index, size: signed.checkpoint.size,
                                            proof: proof.map { try Base64URL.decode($0) }, rootHash: signed.checkpoint.rootHash)
            return (bytes, signed)
        }

        /// Pairs each entry (or witness) with the checkpoint just before it in the evidence.
        func pairs(_ role: AuditEvidence.Role) -> [(entry: AuditEvidence, checkpoint: AuditEvidence)] {
            var result: [(AuditEvidence, AuditEvidence)] = []
            var last: AuditEvidence?
            for item in finding.evidence {
                if item.role == .checkpoint { last = item } else if item.role == role, let last { result.append((item, last)) }
            }
            return result
        }

        func timing() throws {
            guard let item = finding.evidence.first(where: { $0.role == .license || $0.role == .activation || $0.role == .certificate }) else {
                throw unproven("no dated object in the evidence")
            }
            let object = item.object
            guard let (entry, checkpoint) = pairs(.entry).first else { throw unproven("the object's log entry is missing") }
            let logged = try loggedEntry(entry, checkpoint: checkpoint)
            guard logged.bytes == Array(object.utf8) else { throw unproven("the logged entry is not the object") }
            guard let (witnessEntry, witnessCheckpoint) = pairs(.witness).first else { throw unproven("the witness entry is missing") }
            let witnessed = try loggedEntry(witnessEntry, checkpoint: witnessCheckpoint)
            let record = try WitnessRecord(bytes: witnessed.bytes)
            guard let node = checkpoint.node, record.node == node, let key = keys[node] else { throw unproven("the witness is for another node") }
            let seen = try SignedCheckpoint(verifying: record.checkpoint, name: "tollgate.dev/node/\(node)", publicKey: key)
            let (iat, limit) = try datedObject(item)
            if finding.kind == .lateSync {
                guard seen.checkpoint.size > entry.index ?? .max else { throw unproven("the witnessed checkpoint does not contain the entry") }
                guard record.witnessedAt - iat > limit else { throw unproven("the entry reached the ancestor within sync_within") }
            } else {
                guard seen.checkpoint.size <= entry.index ?? 0 else { throw unproven("the witnessed checkpoint contains the entry") }
                guard iat < record.witnessedAt - ChannelAudit.backdatingTolerance else { throw unproven("the entry is not dated before the witness") }
            }
        }

        func datedObject(_ item: AuditEvidence) throws -> (iat: Int64, syncWithin: Int64) {
            if item.role == .license {
                let (license, chain) = try license(item)
                return (license.payload.iat, chain[chain.count - 1].payload.syncWithin)
            }
            let chain = try check.verifier.verifyChain(item.chain ?? [])
            if item.role == .activation { return (try SignedActivation(compact: item.object).payload.iat, chain[chain.count - 1].payload.syncWithin) }
            return (try SignedCertificate(compact: item.object).payload.nbf, chain[chain.count - 1].payload.syncWithin)
        }

        func equivocation() throws {
            if !items(.consistency).isEmpty { return try forkedCheckpoints() }
            let logged = try pairs(.entry).map { try loggedEntry($0.entry, checkpoint: $0.checkpoint) }
            let indices = pairs(.entry).map(\.entry.index)
            guard logged.count == 2, indices[0] == indices[1] else { throw unproven("equivocation needs two entries at one index") }
            guard logged[0].bytes != logged[1].bytes else { throw unproven("the two entries are the same") }
        }

        /// Two checkpoints one node signed, the smaller first, and the root the larger one's tree has
        /// at the smaller one's size, fixed by a consistency proof: a root other than the smaller
        /// checkpoint's means the node signed two different logs.
        func forkedCheckpoints() throws {
            let checkpoints = items(.checkpoint)
            guard checkpoints.count == 2, let node = checkpoints[0].node, checkpoints[1].node == node, let key = keys[node] else {
                throw unproven("a forked log needs two checkpoints of one node with a known key")
            }
            let name = "tollgate.dev/node/\(node)"
            let smaller = try SignedCheckpoint(verifying: checkpoints[0].object, name: name, publicKey: key).checkpoint
            let larger = try SignedCheckpoint(verifying: checkpoints[1].object, name: name, publicKey: key).checkpoint
            let consistency = try one(.consistency)
            guard consistency.node == node, consistency.index == smaller.size, smaller.size <= larger.size, let proof = consistency.proof else {
                throw unproven("the consistency proof is not from the first checkpoint's size to the second's")
            }
            let root = try Base64URL.decode(consistency.object)
            try MerkleProof.verifyConsistency(oldSize: smaller.size, newSize: larger.size, oldRoot: root, newRoot: larger.rootHash,
                                              proof: proof.map { try Base64URL.decode($0) })
            guard root != smaller.rootHash else { throw unproven("the two checkpoints sign the same log") }
        }

        /// The object that claims a position in its issuer's log: an activation or deactivation
        /// when the evidence has one, else the license. Signatures checked.
        func claimedPosition(license: SignedLicense, chain: [VerifiedCertificate]) throws -> (bytes: [UInt8], issuer: String, index: UInt64, iat: Int64) {
            if let item = items(.activation).first {
                let activation = try activation(item, license: license, chain: chain)
                guard let index = activation.payload.logIndex else { throw unproven("the activation names no log index") }
                return (Array(item.object.utf8), activation.payload.iss, index, activation.payload.iat)
            }
            if let item = items(.deactivation).first {
                let deactivation = try SignedDeactivation(compact: item.object)
                guard let key = keys[deactivation.payload.iss], deactivation.jws.isSigned(by: key) else {
                    throw unproven("the deactivation's signature does not verify")
                }
                guard let index = deactivation.payload.logIndex else { throw unproven("the deactivation names no log index") }
                return (Array(item.object.utf8), deactivation.payload.iss, index, deactivation.payload.iat)
            }
            return (Array(license.compact.utf8), chain[chain.count - 1].subjectKey.thumbprint, license.payload.logIndex, license.payload.iat)
        }

        /// Either the issuer's own log holds something else at the index the object names, or the
        /// issuer's parent witnessed, later than the object is dated, a checkpoint of the issuer's
        /// log that does not reach that index.
        func hidden() throws {
            let (license, chain) = try license(try one(.license))
            let claimed = try claimedPosition(license: license, chain: chain)
            if let (entry, checkpoint) = pairs(.entry).first {
                guard checkpoint.node == claimed.issuer else { throw unproven("the log shown is not the issuer's") }
                let logged = try loggedEntry(entry, checkpoint: checkpoint)
                guard entry.index == claimed.index else { throw unproven("the entry is not at the object's log index") }
                guard logged.bytes != claimed.bytes else { throw unproven("the object is in the log where it says") }
                return
            }
            guard let (witnessEntry, witnessCheckpoint) = pairs(.witness).first else {
                throw unproven("the evidence has neither the entry at the object's index nor a witnessed checkpoint")
            }
            let authorities = [check.anchor.keyID] + chain.map(\.subjectKey.thumbprint)
            guard let position = authorities.lastIndex(of: claimed.issuer), position > 0, witnessCheckpoint.node == authorities[position - 1] else {
                throw unproven("the checkpoint was not witnessed by the issuer's parent")
            }
            let witnessed = try loggedEntry(witnessEntry, checkpoint: witnessCheckpoint)
            let record = try WitnessRecord(bytes: witnessed.bytes)
            guard record.node == claimed.issuer, let key = keys[claimed.issuer] else { throw unproven("the witness is for another node") }
            let seen = try SignedCheckpoint(verifying: record.checkpoint, name: "tollgate.dev/node/\(claimed.issuer)", publicKey: key)
            guard seen.checkpoint.size <= claimed.index else { throw unproven("the witnessed checkpoint reaches the object's log index") }
            guard record.witnessedAt - ChannelAudit.backdatingTolerance > claimed.iat else {
                throw unproven("the checkpoint was witnessed before the object was dated")
            }
        }

        func stale() throws {
            let identification = try one(.certificate)
            let chain = try check.verifier.verifyChain((identification.chain ?? []) + [identification.object])
            guard chain[chain.count - 1].subjectKey.thumbprint == finding.node else { throw unproven("the certificate is not the stale node's") }
            guard let (entry, checkpoint) = pairs(.witness).first else { throw unproven("the last witness is missing") }
            let witnessed = try loggedEntry(entry, checkpoint: checkpoint)
            let record = try WitnessRecord(bytes: witnessed.bytes)
            guard record.node == finding.node else { throw unproven("the witness is for another node") }
            guard finding.detectedAt > record.witnessedAt else { throw unproven("the node synced after the finding") }
        }
    }
}

extension FindingCheck.Context {
    /// The entry is in the node's log (inclusion against its signed checkpoint), signed by the node
    /// whose verified chain the entry carries, and refused by the parser of its kind.
    func invalidObject() throws {
        guard let (entry, checkpoint) = pairs(.entry).first else { throw unproven("the entry is missing") }
        let chain = try check.verifier.verifyChain(entry.chain ?? [])
        let key = chain[chain.count - 1].subjectKey
        guard checkpoint.node == key.thumbprint else { throw unproven("the chain is not the logging node's") }
        let signed = try SignedCheckpoint(verifying: checkpoint.object, name: "tollgate.dev/node/\(key.thumbprint)", publicKey: key)
        guard let index = entry.index, let proof = entry.proof else { throw unproven("the entry has no index or proof") }
        let bytes = try Base64URL.decode(entry.object)
        try MerkleProof.verifyInclusion(leafHash: MerkleHash.leaf(bytes), index: index, size: signed.checkpoint.size,
                                        proof: proof.map { try Base64URL.decode($0) }, rootHash: signed.checkpoint.rootHash)
        let compact = String(decoding: bytes, as: UTF8.self)
        guard let jws = SignedObjectKind.unboundedJWS(compact), jws.isSigned(by: key) else {
            throw unproven("the entry is not signed by the node")
        }
        guard SignedObjectKind.refusal(of: compact) != nil else { throw unproven("the object is valid") }
    }
}

/// The error for evidence that does not prove its finding: a ``NodeError`` (`finding_unproven`)
/// naming what does not hold, with the line of the check that found it.
func unproven(_ reason: String, file: String = #fileID, line: UInt = #line) -> NodeError {
    NodeError(.findingUnproven, reason, file: file, line: line)
}
