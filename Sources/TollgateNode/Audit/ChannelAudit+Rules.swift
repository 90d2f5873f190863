import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

extension ChannelAudit {
    /// A signed object in a node's log that hands out serials. Its text is the log's entry at
    /// `index`, read again only for evidence.
    struct Allocation {
        let seats: SerialRange
        let hash: String
        let role: AuditEvidence.Role
        let index: UInt64
        let iat: Int64
        let chain: [String]
        /// For a license: the first license of its lineage.
        let lineage: String?
        /// For a delegation: the child certificate's hash.
        let delegatedHash: String?
    }

    /// What the rules of one log carry from entry to entry, across the chunks it is read in.
    struct LogRun {
        var allocations: [Allocation] = []
        var returnsReceived: [(quotaReturn: QuotaReturn, index: UInt64)] = []
        var returnsSent: [(quotaReturn: SignedQuotaReturn, index: UInt64)] = []
        var revocationsReceived: [(revocation: SignedRevocation, index: UInt64)] = []
        /// License revocations the node held, by the lineage they revoke (`ChannelAudit+LicenseRevocations`).
        var licenseRevocations: [String: [(revocation: SignedRevocation, index: UInt64)]] = [:]
        /// Self-signed entries no parser read: candidates for `auditInvalidObjects`.
        var unread: [UInt64] = []
        /// Objects that name another position in the log than the one they are at.
        var misplacedLicenses: [(license: SignedLicense, index: UInt64)] = []
        var misplacedActivations: [(activation: SignedActivation, index: UInt64)] = []
    }

    /// Runs every rule over every log. The auditor's own log is trusted for where its objects
    /// stand, but its sales are held to the same rules as anyone's: the root sells under a
    /// certificate it delegates to itself, and its floors and serials bind it too. The logs are read
    /// twice, a chunk of one log at a time: first for what the rules across logs need (licenses,
    /// activations, deactivations, reduced to ``LoggedLicense`` and ``LoggedActivation``), then
    /// for each log's own rules. Memory holds those summaries and one chunk, not the subtree.
    mutating func run(observations: [Observation]) throws {
        var licenses: [String: LoggedLicense] = [:]
        var activations: [LoggedActivation] = []
        var deactivations: [String: Int64] = [:]
        var followers: [LifecycleLicense] = [], trials: [LifecycleLicense] = []
        var leases: [String: LoggedLease] = [:]
        var releases: [String: Int64] = [:]
        let logs = view.logs.values.sorted(by: { $0.node < $1.node })
        for log in logs {
            try log.forEachChunk { entries in
                let objects = ParsedLogObjects.parse(entries)
                for (license, index) in objects.licenses {
                    if let chain = view.chain(ending: license.payload.cert) {
                        licenses[license.hash] = LoggedLicense(license, node: log.node, index: index, chain: chain)
                    }
                }
                for (activation, index) in objects.activations { activations.append(LoggedActivation(activation, node: log.node, index: index)) }
                for (deactivation, _) in objects.deactivations { deactivations[deactivation.payload.activation] = deactivation.payload.iat }
                let lifecycle = lifecycleLicenses(objects, node: log.node)
                followers += lifecycle.followers
                trials += lifecycle.trials
                for (lease, index) in objects.leases where leases[lease.hash] == nil { leases[lease.hash] = LoggedLease(lease: lease, node: log.node, index: index) }
                for (release, _) in objects.releases { releases[release.payload.lease] = min(releases[release.payload.lease] ?? .max, release.payload.iat) }
            }
        }
        for log in logs {
            var run = LogRun()
            try log.forEachChunk { entries in
                let objects = ParsedLogObjects.parse(entries)
                try audit(entries, objects, of: log, licenses: licenses, run: &run)
            }
            try checkDuplicates(run.allocations, returnsReceived: run.returnsReceived, node: log.node)
            allocations[log.node] = run.allocations
            guard !log.isSelf else { continue }
            try auditInvalidObjects(log, unread: run.unread)
            try checkLoggedPositions(log, run, licenses: licenses)
        }
        try auditLifecycle(followers: followers, trials: trials, licenses: licenses)
        try adoptReportedFindings(logs)
        try auditActivations(activations, deactivations: deactivations, licenses: licenses)
        try auditEmergencies(activations, licenses: licenses)
        try auditLeases(Array(leases.values), releases: releases, licenses: licenses, activations: activations)
        try auditObservations(observations)
        try auditUsage(licenses: licenses, activations: activations, observations: observations)
        try auditStaleness()
    }

    // MARK: One node's log

    /// The rules of one log over one chunk of its entries (`objects` parsed from them), in order.
    mutating func audit(_ entries: [LogEntry], _ objects: ParsedLogObjects, of log: AuditedLog, licenses: [String: LoggedLicense],
                        run: inout LogRun) throws {
        let syncWithin = view.syncWithin[log.node]
        let signatures = auditor.store.verifiedSignatures
        var parsedLicenses: [UInt64: SignedLicense] = [:]
        for (license, index) in objects.licenses {
            parsedLicenses[index] = license
            if license.payload.iss == log.node && license.payload.logIndex != index { run.misplacedLicenses.append((license, index)) }
        }
        var read = Set(objects.licenses.map(\.index))
        var parsedActivations: [UInt64: SignedActivation] = [:]
        for (activation, index) in objects.activations {
            read.insert(index)
            parsedActivations[index] = activation
            if activation.payload.iss == log.node, let claimed = activation.payload.logIndex, claimed != index {
                run.misplacedActivations.append((activation, index))
            }
        }
        for (_, index) in objects.deactivations { read.insert(index) }
        for (_, index) in objects.refusals { read.insert(index) }
        for entry in entries {
            if SegmentVerification.selfSignedKinds.contains(entry.kind) && !read.contains(entry.index) { run.unread.append(entry.index) }
            let text = { String(decoding: entry.bytes, as: UTF8.self) }
            switch LogEntryKind(rawValue: entry.kind) {
            case .licenseIssued, .licenseRenewed, .licenseChanged:
                guard let license = parsedLicenses[entry.index], signatures.isSigned(license.jws, by: log.key),
                      let chain = view.chain(ending: license.payload.cert) else { continue }
                let claims = license.payload
                let certificate = view.certificates[claims.cert]!.payload
                // A renewal, upgrade, conversion or add-on on the same serials as its lineage is not a new allocation.
                let isRenewal = (claims.renews ?? claims.addonOf).flatMap { licenses[$0]?.seats } == claims.seats
                if !isRenewal {
                    run.allocations.append(Allocation(seats: claims.seats, hash: license.hash, role: .license, index: entry.index, iat: claims.iat,
                                                      chain: chain, lineage: license.seatLineage, delegatedHash: nil))
                }
                checkLicenseRules(license, certificate: certificate, chain: chain, node: log.node)
                checkRevocations(license, chain: chain, node: log.node, index: entry.index, received: run.revocationsReceived)
                if let lineage = claims.renews {
                    try checkLicenseRevocations(lineage: lineage, object: license.compact, role: .license, iat: claims.iat, node: log.node,
                                                licenses: licenses, run: run)
                }
                try checkTiming(compact: license.compact, role: .license, iat: claims.iat, chain: chain, node: log.node, index: entry.index,
                                syncWithin: syncWithin ?? certificate.syncWithin)
                checkReturned(claims.seats, hash: license.hash, compact: license.compact, role: .license, chain: chain, iat: claims.iat,
                              index: entry.index, node: log.node, returns: run.returnsSent)
            case .certificateDelegated:
                guard let delegated = try? SignedCertificate(compact: text()), signatures.isSigned(delegated.jws, by: log.key),
                      let parentHash = delegated.payload.parent, let parent = view.certificates[parentHash],
                      let chain = view.chain(ending: parentHash) else { continue }
                run.allocations.append(Allocation(seats: delegated.payload.seats, hash: delegated.hash, role: .certificate, index: entry.index,
                                                  iat: delegated.payload.nbf, chain: chain, lineage: nil, delegatedHash: delegated.hash))
                do {
                    try Attenuation.check(child: delegated.payload, parent: parent.payload, object: "certificate for \(delegated.payload.sub)")
                } catch {
                    add(Self.kind(for: error.rule), node: log.node, "delegated a certificate to \(delegated.payload.sub) that breaks \(error.rule): \(error.reason)",
                        [AuditEvidence(role: .certificate, object: delegated.compact, chain: chain)])
                }
                checkReturned(delegated.payload.seats, hash: delegated.hash, compact: delegated.compact, role: .certificate, chain: chain,
                              iat: delegated.payload.nbf, index: entry.index, node: log.node, returns: run.returnsSent)
            case .returnReceived:
                if let quotaReturn = try? SignedQuotaReturn(compact: text()) { run.returnsReceived.append((quotaReturn.payload, entry.index)) }
            case .quotaReturned:
                if let quotaReturn = try? SignedQuotaReturn(compact: text()), signatures.isSigned(quotaReturn.jws, by: log.key) {
                    run.returnsSent.append((quotaReturn, entry.index))
                }
            case .revocationReceived:
                if let revocation = try? SignedRevocation(compact: text()), revocation.payload.cert != nil {
                    run.revocationsReceived.append((revocation, entry.index))
                }
                noteLicenseRevocation(text(), index: entry.index, signedBy: nil, run: &run)
            case .revocationIssued:
                noteLicenseRevocation(text(), index: entry.index, signedBy: log.key, run: &run)
            case .customerTransferred:
                try checkTransfer(text(), of: log, licenses: licenses)
            case .activation:
                guard let activation = parsedActivations[entry.index], activation.payload.iss == log.node,
                      signatures.isSigned(activation.jws, by: log.key) else { continue }
                try checkLicenseRevocations(lineage: activation.payload.license, object: activation.compact, role: .activation,
                                            iat: activation.payload.iat, node: log.node, licenses: licenses, run: run)
            default:
                break
            }
        }
    }

    static func kind(for rule: VerificationError.Rule) -> AuditFinding.Kind {
        switch rule {
        case .seatsOutsideCertificate, .seatsOutsideParent: .rangeEscape
        case .countryNotAllowed, .territoryNotAllowed, .countriesWidened: .countryEscape
        case .priceBelowFloor, .currencyNotAllowed, .priceFloorLowered: .belowPriceFloor
        case .issuedOutsideWindow, .windowOutsideParent: .issuedOutsideWindow
        default: .entitlementEscape
        }
    }

    mutating func checkLicenseRules(_ license: SignedLicense, certificate: AllocationCertificate, chain: [String], node: String) {
        do {
            try LicenseRules.check(license.payload, within: certificate)
        } catch {
            add(Self.kind(for: error.rule), node: node, "license for \(license.payload.customer) breaks \(error.rule): \(error.reason)",
                [AuditEvidence(role: .license, object: license.compact, chain: chain)])
        }
    }

    /// Issued under a revoked certificate: dated from its effective time on, or logged after the
    /// revocation arrived yet dated before the revocation was even signed.
    mutating func checkRevocations(_ license: SignedLicense, chain: [String], node: String, index: UInt64,
                                   received: [(revocation: SignedRevocation, index: UInt64)]) {
        let chainHashes = Set(chain.map { JWS.hash(of: $0) })
        for (revocation, revocationIndex) in received where revocation.payload.cert.map(chainHashes.contains) ?? false {
            let claims = license.payload
            let afterEffective = claims.iat >= revocation.payload.effective
            let backdatedPastArrival = index > revocationIndex && claims.iat < revocation.payload.iat - Self.backdatingTolerance
            if afterEffective || backdatedPastArrival {
                add(.issuedAfterRevocation, node: node,
                    "license for \(claims.customer) issued at \(TimeText.iso(claims.iat)) under a certificate revoked from \(TimeText.iso(revocation.payload.effective))",
                    [AuditEvidence(role: .license, object: license.compact, chain: chain), AuditEvidence(role: .revocation, object: revocation.compact)])
            }
        }
    }

    /// Late sync: the first checkpoint containing the entry was witnessed more than `sync_within`
    /// after its `iat`. Backdating: the entry is dated before a checkpoint that did not contain it
    /// was witnessed.
    mutating func checkTiming(compact: String, role: AuditEvidence.Role, iat: Int64, chain: [String], node: String, index: UInt64,
                              syncWithin: Int64) throws {
        let seen = view.witnesses[node] ?? []
        if let first = seen.filter({ $0.size > index }).min(by: { $0.time < $1.time }), first.time - iat > syncWithin {
            add(.lateSync, node: node, "an entry dated \(TimeText.iso(iat)) first reached an ancestor at \(TimeText.iso(first.time)), more than sync_within (\(TimeText.duration(syncWithin))) later",
                [AuditEvidence(role: role, object: compact, chain: chain)] + (try view.entryEvidence(node: node, index: index)) + (try view.witnessEvidence(first)),
                identity: [compact])
        }
        // Only the parent's own witnesses date a checkpoint: an ancestor further up witnesses it when
        // it is relayed, which may be long after the node had already logged more.
        let parent = view.parentOf[node]
        if let before = seen.filter({ $0.size <= index && $0.log == parent }).max(by: { $0.time < $1.time }),
           iat < before.time - Self.backdatingTolerance {
            add(.backdating, node: node, "an entry dated \(TimeText.iso(iat)) is not in the checkpoint witnessed at \(TimeText.iso(before.time)): it was backdated",
                [AuditEvidence(role: role, object: compact, chain: chain)] + (try view.entryEvidence(node: node, index: index)) + (try view.witnessEvidence(before)),
                identity: [compact])
        }
    }

    mutating func checkReturned(_ seats: SerialRange, hash: String, compact: String, role: AuditEvidence.Role, chain: [String], iat: Int64,
                                index: UInt64, node: String, returns: [(quotaReturn: SignedQuotaReturn, index: UInt64)]) {
        for (quotaReturn, returnIndex) in returns where quotaReturn.payload.seats.overlaps(seats) && (index > returnIndex || iat >= quotaReturn.payload.iat) {
            add(.quotaUsedAfterReturn, node: node, "serials \(seats) used after returning \(quotaReturn.payload.seats)",
                [AuditEvidence(role: .quotaReturn, object: quotaReturn.compact), AuditEvidence(role: role, object: compact, chain: chain)])
        }
    }

    /// Whether the union of `ranges` contains every serial of `range`.
    static func covers(_ ranges: [SerialRange], _ range: SerialRange) -> Bool {
        var cursor = range.start
        for piece in ranges.sorted(by: { $0.start < $1.start }) where piece.start <= cursor {
            cursor = max(cursor, piece.end)
            if cursor >= range.end { return true }
        }
        return cursor >= range.end
    }

    /// Two objects of one issuer on the same serial, unless the later one follows a return of the
    /// earlier delegation's serials.
    mutating func checkDuplicates(_ allocations: [Allocation], returnsReceived: [(quotaReturn: QuotaReturn, index: UInt64)], node: String) throws {
        let sorted = allocations.sorted { ($0.seats.start, $0.index) < ($1.seats.start, $1.index) }
        var open: [Allocation] = []
        for allocation in sorted {
            open.removeAll { $0.seats.end <= allocation.seats.start }
            for earlier in open where earlier.seats.overlaps(allocation.seats) && earlier.hash != allocation.hash {
                let (first, second) = earlier.index < allocation.index ? (earlier, allocation) : (allocation, earlier)
                let overlap = SerialRange(max(first.seats.start, second.seats.start), min(first.seats.end, second.seats.end))
                // The child may have handed the serials back in several returns before they were delegated again.
                let returned = first.delegatedHash.map { delegated in
                    Self.covers(returnsReceived.filter { $0.quotaReturn.cert == delegated && $0.index < second.index }.map(\.quotaReturn.seats), overlap)
                } ?? false
                if returned { continue }
                add(.duplicateSerial, node: node, "serials \(overlap) were handed out twice",
                    [AuditEvidence(role: first.role, object: try view.compact(node: node, index: first.index), chain: first.chain),
                     AuditEvidence(role: second.role, object: try view.compact(node: node, index: second.index), chain: second.chain)])
            }
            open.append(allocation)
        }
    }
}
