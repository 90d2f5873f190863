import TollgateCertificates

/// Piracy monitoring: what each node refused (its `activation-refused` records, synced up with its
/// log, and a closed site's, carried out to its agent) and what the audit found against it, in
/// channel-tree order, each site right after the agent that took its log in.
extension ChannelView {
    /// The most refused attempts a `piracy` report lists one by one (the newest).
    static let refusalsListed = 500

    /// The finding kinds counted as forgeries: objects no honest signer makes or may make.
    static let forgeryKinds: Set<AuditFinding.Kind> = [.invalidObject, .logEquivocation, .unauthorizedActivation, .unauthorizedChange]

    /// Per node of `order`, and per site of `sites` (its key id → the agent that took in its log):
    /// refusals recorded with `iat` in `window` (an hour's summary counts what it left out, under
    /// each code), and the findings against the node detected in `window`. Also the refusals one by
    /// one, newest first.
    func piracy(_ refusals: [(refusal: SignedActivationRefusal, node: String, index: UInt64)], findings: [AuditFinding], order treeOrder: [String],
                sites: [String: String], window: ClosedRange<Int64>) -> ([ChannelReport.PiracyRow], [ChannelReport.RefusalRow]) {
        let sitesByAgent = Dictionary(grouping: sites.keys.sorted(), by: { sites[$0] ?? "" })
        let order = treeOrder.flatMap { [$0] + (sitesByAgent[$0] ?? []) }
        var names = names
        for site in sites.keys where names[site] == nil { names[site] = "site \(HashID.short(site))" }
        let inWindow = refusals.filter { window.contains($0.refusal.payload.iat) && $0.refusal.payload.iss == $0.node }
        var rows: [ChannelReport.RefusalRow] = []
        for (signed, node, _) in inWindow {
            let claims = signed.payload
            let base = ChannelReport.RefusalRow(at: claims.iat, node: node, name: names[node] ?? node, attempt: claims.attempt.rawValue, code: claims.code,
                                                count: 1, license: claims.license, serial: claims.serial, customer: claims.customer,
                                                country: claims.country, platform: claims.platform, machine: claims.machine)
            guard let suppressed = claims.suppressed else {
                rows.append(base)
                continue
            }
            for entry in suppressed {
                var row = base
                (row.attempt, row.code, row.count) = (entry.attempt.rawValue, entry.code, Int(clamping: entry.count))
                rows.append(row)
            }
        }
        let found = findings.filter { window.contains($0.detectedAt) }
        let byNode = Dictionary(grouping: rows, by: \.node), findingsByNode = Dictionary(grouping: found, by: \.node)
        let piracy = order.map { node in
            let refused = byNode[node] ?? [], against = findingsByNode[node] ?? []
            func attempts(_ attempt: ActivationRefusal.Attempt, _ code: NodeError.Code) -> Int {
                refused.filter { $0.attempt == attempt.rawValue && $0.code == code.rawValue }.reduce(0) { $0 &+ $1.count }
            }
            func count(_ kinds: Set<AuditFinding.Kind>) -> Int { against.filter { kinds.contains($0.kind) }.count }
            let byCode = Dictionary(grouping: refused, by: \.code).map { ChannelReport.CountRow(key: $0.key, count: $0.value.reduce(0) { $0 &+ $1.count }) }
                .sorted { ($0.count, $1.key) > ($1.count, $0.key) }
            return ChannelReport.PiracyRow(node: node, name: names[node] ?? node, parent: (parentOf[node] ?? sites[node]).map { names[$0] ?? $0 },
                                           refusedByCode: byCode, refused: byCode.reduce(0) { $0 &+ $1.count },
                                           overActivationAttempts: attempts(.activation, .seatsInUse), overLeasingAttempts: attempts(.lease, .noSeatFree),
                                           forgeries: count(Self.forgeryKinds), hiddenIssuance: count([.hiddenIssuance]),
                                           overActivationFindings: count([.overActivation]), leaseOversubscribedFindings: count([.leaseOversubscribed]),
                                           openFindings: against.count)
        }
        let listed = rows.sorted { ($0.at, $0.node) > ($1.at, $1.node) }.prefix(Self.refusalsListed)
        return (piracy, Array(listed))
    }
}
