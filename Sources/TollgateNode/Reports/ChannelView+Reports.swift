import Foundation
import TollgateCertificates
import TollgateCrypto

extension ChannelView {
    /// Every signed object of the subtree's logs, decoded once, by the node whose log holds it and
    /// its position there (which orders one issuer's events even within one second).
    struct Objects {
        var licenses: [(license: SignedLicense, node: String, index: UInt64)] = []
        var activations: [(activation: SignedActivation, node: String, index: UInt64)] = []
        var deactivations: [(deactivation: SignedDeactivation, node: String, index: UInt64)] = []
        var delegations: [(certificate: SignedCertificate, node: String, index: UInt64)] = []
        var received: [(certificate: SignedCertificate, node: String, index: UInt64)] = []
        var returns: [(quotaReturn: SignedQuotaReturn, node: String, index: UInt64)] = []
        /// Revocations issued here or received from an ancestor (one may be logged at both).
        var revocations: [SignedRevocation] = []
        /// When an agent took in a bound site's leases and releases, by the site key's thumbprint.
        var siteReceipts: [(site: String, at: Int64)] = []
        /// Refused attempts to take a seat, as each node recorded them.
        var refusals: [(refusal: SignedActivationRefusal, node: String, index: UInt64)] = []
        /// Bound sites whose refusals an agent took in (a site's key id → that agent's).
        var siteAgents: [String: String] = [:]
        /// Customer transfers, as each node signed them.
        var transfers: [(transfer: SignedCustomerTransfer, node: String, index: UInt64)] = []

        /// Appends the objects of `node`'s log.
        mutating func append(_ log: DecodedLog, node: String) {
            licenses += log.licenses.map { ($0.license, node, $0.index) }
            activations += log.activations.map { ($0.activation, node, $0.index) }
            deactivations += log.deactivations.map { ($0.deactivation, node, $0.index) }
            delegations += log.delegations.map { ($0.certificate, node, $0.index) }
            received += log.received.map { ($0.certificate, node, $0.index) }
            returns += log.returns.map { ($0.quotaReturn, node, $0.index) }
            revocations += log.revocations
            siteReceipts += log.siteReceipts
            // A bound site's refusal an agent took in counts as the site's own.
            refusals += log.refusals.map { ($0.refusal, $0.site ?? node, $0.index) }
            for item in log.refusals { if let site = item.site { siteAgents[site] = node } }
            transfers += log.transfers.map { ($0.transfer, node, $0.index) }
        }
    }

    /// The objects of every log of the view, by node (in key-id order) and position: each log's
    /// decoded copy (``DecodedLogs``), merged once per set of log sizes and roots (``DecodedView``).
    func objects() -> Objects {
        decodedObjects
    }

    /// The subtree's nodes in channel-tree order: this node, then each child's subtree depth
    /// first, children by name (then key id). A descendant whose parent is not in the view (it
    /// cannot be reached from this node) comes last, by name, so no node's figures are dropped.
    func treeOrder() -> [(node: String, depth: Int)] {
        let selfID = auditor.identity.keyID
        func byName(_ left: String, _ right: String) -> Bool { (names[left] ?? left, left) < (names[right] ?? right, right) }
        let children = Dictionary(grouping: logs.keys.filter { $0 != selfID }, by: { parentOf[$0] ?? "" }).mapValues { $0.sorted(by: byName) }
        var order: [(node: String, depth: Int)] = []
        var placed: Set<String> = []
        func visit(_ node: String, depth: Int) {
            guard placed.insert(node).inserted, depth <= ObjectLimits.maxDepth + 1 else { return }
            order.append((node, depth))
            for child in children[node] ?? [] { visit(child, depth: depth + 1) }
        }
        visit(selfID, depth: 0)
        for node in logs.keys.sorted(by: byName) where !placed.contains(node) { visit(node, depth: 1) }
        return order
    }

    /// What each node's figures reflect (``ChannelReport/AsOf``): this node's own log now, and each
    /// descendant's log up to the checkpoint this node accepted, as of the latest witness time of
    /// a checkpoint no larger than it (the log had at least that much then).
    func asOf() -> [ChannelReport.AsOf] {
        let selfID = auditor.identity.keyID
        return treeOrder().map { node, depth in
            let size = logs[node]?.size ?? 0
            let at = node == selfID ? now : (witnesses[node] ?? []).filter { $0.size <= size }.map(\.time).max()
            return .init(node: node, name: names[node] ?? node, parent: parentOf[node].map { names[$0] ?? $0 }, depth: depth,
                         logSize: size, checkpointAt: at, ageSeconds: at.map { now - $0 }, partial: node != selfID)
        }
    }

    /// A sum of seat counts that saturates instead of trapping (a hostile log may claim any number
    /// of ranges up to 2^53 each).
    static func total(_ counts: [UInt64]) -> UInt64 {
        counts.reduce(UInt64(0)) { sum, count in
            let (next, overflow) = sum.addingReportingOverflow(count)
            return overflow ? .max : next
        }
    }

    /// Report `name` over the view, with the parameters of `query` (the time point-in-time
    /// figures are for is now unless given). Every report carries ``ChannelReport/asOf``; rows
    /// about nodes follow ``treeOrder()``. `decoded`: the view's ``objects()`` when the caller
    /// already read them (several reports at once).
    func report(_ name: String, query: ReportQuery = ReportQuery(), objects decoded: Objects? = nil) throws(NodeError) -> ChannelReport {
        var report = ChannelReport(name: name, generatedAt: now)
        report.asOf = asOf()
        let objects = decoded ?? self.objects()
        // What several reports share, each made only by the reports that read it.
        func activeNow() -> [(activation: SignedActivation, node: String, index: UInt64)] {
            let ended = Set(objects.deactivations.map(\.deactivation.payload.activation))
            return objects.activations.filter { item in
                !ended.contains(item.activation.hash) && (item.activation.payload.exp.map { $0 > now } ?? true)
            }
        }
        let order = treeOrder().map(\.node)
        // Each sale under its lineage's customer after the transfers.
        func sales() -> [RevenueSale] {
            let owners = owners(objects).owners
            return objects.licenses.map { item in
                var sale = RevenueSale(item.license, node: item.node, index: item.index)
                if let owner = owners[item.license.lineage] { sale.customer = owner }
                return sale
            }
        }
        switch name {
        case "quota":
            // One pass over each kind of object, seats added up per node.
            var allocated: [String: [UInt64]] = [:], delegated = allocated, issued = allocated, returned = allocated
            var activated: [String: UInt64] = [:]
            for item in objects.received { allocated[item.node, default: []].append(item.certificate.payload.seats.count) }
            for item in objects.delegations { delegated[item.node, default: []].append(item.certificate.payload.seats.count) }
            // Renewals, upgrades, conversions and add-ons sit on their lineage's serials: not issued again.
            for item in objects.licenses where item.license.payload.renews == nil && item.license.payload.addonOf == nil {
                issued[item.node, default: []].append(item.license.payload.seats.count)
            }
            for item in activeNow() where item.activation.payload.kind != .temporary { activated[item.node, default: 0] += 1 }
            for item in objects.returns { returned[item.node, default: []].append(item.quotaReturn.payload.seats.count) }
            report.quota = order.map { node in
                let delegatedSeats = Self.total(delegated[node] ?? [])
                return .init(node: node, name: names[node] ?? node, parent: parentOf[node].map { names[$0] ?? $0 },
                             allocated: node == auditor.identity.keyID && auditor.identity.isRoot ? delegatedSeats : Self.total(allocated[node] ?? []),
                             delegated: delegatedSeats, issued: Self.total(issued[node] ?? []), activated: activated[node] ?? 0,
                             returned: Self.total(returned[node] ?? []))
            }
        case "activations":
            let active = activeNow()
            func counts(_ key: (Activation) -> String) -> [ChannelReport.CountRow] {
                Dictionary(grouping: active, by: { key($0.activation.payload) }).map { .init(key: $0.key, count: $0.value.count) }
                    .sorted { ($0.count, $1.key) > ($1.count, $0.key) }
            }
            report.activationsByCountry = counts(\.country)
            report.activationsByPlatform = counts(\.platform)
        case "conversion":
            let firstActivation = Dictionary(grouping: objects.activations, by: { $0.activation.payload.license })
                .mapValues { $0.map(\.activation.payload.iat).min() ?? 0 }
            let originals = objects.licenses.filter { $0.license.payload.renews == nil && $0.license.payload.addonOf == nil }
            let delays = originals.compactMap { item in firstActivation[item.license.hash].map { max(0, $0 - item.license.payload.iat) } }.sorted()
            report.conversion = .init(licenses: originals.count, activated: delays.count,
                                      medianSeconds: delays.isEmpty ? nil : delays[delays.count / 2],
                                      p90Seconds: delays.isEmpty ? nil : delays[min(delays.count - 1, delays.count * 9 / 10)],
                                      meanSeconds: delays.isEmpty ? nil : Int64(delays.reduce(Int128(0)) { $0 + Int128($1) } / Int128(delays.count)))
        case "models":
            let originals = objects.licenses.filter { $0.license.payload.renews == nil && $0.license.payload.addonOf == nil }
            report.models = Dictionary(grouping: originals, by: { $0.license.payload.model }).map { model, items in
                .init(model: model, licenses: items.count, seats: Self.total(items.map(\.license.payload.seats.count)))
            }.sorted { $0.model < $1.model }
        case "customer":
            guard let customer = query.customer, !customer.isEmpty else { throw NodeError(.invalidRequest, "the customer report needs a customer name") }
            (report.customer, report.history) = try history(of: customer, in: objects)
        case "freshness":
            let nodes: [ChannelReport.FreshnessRow] = order.filter { syncWithin[$0] != nil }.map { node in
                let last = (witnesses[node] ?? []).map(\.time).max()
                let limit = syncWithin[node] ?? 0
                let age = last.map { now - $0 }
                return .init(node: node, name: names[node] ?? node, lastSync: last, ageSeconds: age, syncWithin: limit,
                             status: Self.freshness(age: age, limit: limit))
            }
            report.freshness = try nodes + siteFreshness(objects)
        case "revenue":
            let totals = Dictionary(grouping: RecurringRevenue.inForce(sales(), at: now), by: \.price.currency)
                .mapValues { $0.reduce(into: RecurringRevenue.Figures()) { $0.add($1) } }
            report.revenue = totals.sorted { $0.key < $1.key }.map { currency, figures in
                .init(currency: currency, activeSubscriptions: figures.subscriptions, monthlyRecurring: figures.monthlyRecurring,
                      annualRecurring: figures.annualRecurring, saturated: figures.saturated)
            }
        case "usage":
            report.usagePeriod = query.period
            (report.usage, report.usageTotals) = try auditor.storage { try usageBilling(period: query.period, licenses: objects.licenses) }
        case "recurring":
            let moment = query.at ?? now
            report.recurringAt = moment
            report.recurring = recurring(RecurringRevenue.inForce(sales(), at: moment), order: order)
        case "renewals":
            let moment = query.at ?? now, days = query.days ?? 30
            report.window = .init(from: moment, to: moment + days * 86_400)
            // Units per lineage and month, chain links only, for the metered licenses whose use falls.
            var usage: [String: [String: Int64]] = [:]
            for item in try auditor.storage({ try usageRecords() }) where !item.forked {
                let (sum, overflow) = usage[item.record.payload.license, default: [:]][item.record.payload.period, default: 0]
                    .addingReportingOverflow(item.record.payload.units)
                usage[item.record.payload.license, default: [:]][item.record.payload.period] = overflow ? .max : sum
            }
            (report.renewalRisk, report.renewalRiskTotals) = renewalRisk(sales(), usage: usage, at: moment, days: days)
        case "forecast":
            let moment = query.at ?? now, days = query.days ?? 365
            report.window = .init(from: moment, to: moment + days * 86_400)
            report.forecast = forecast(sales(), at: moment, days: days)
        case "retention":
            let end = query.at ?? now, start = query.from ?? end - 365 * 86_400
            guard start < end else {
                throw NodeError(.invalidRequest, "a report's window must start before it ends: 'from' \(start) is not before \(end)")
            }
            report.window = .init(from: start, to: end)
            (report.retention, report.renewalRate) = RecurringRevenue.retention(sales(), from: start, to: end)
        case "arr-history":
            (report.window, report.arrHistory) = try arrHistory(sales(), from: query.from, days: query.days ?? 30)
        case "trials":
            report.trials = trials(objects.licenses.map(\.license))
        case "concentration":
            let moment = query.at ?? now
            report.recurringAt = moment
            report.concentration = concentration(sales(), at: moment)
        case "features":
            let moment = query.at ?? now
            report.recurringAt = moment
            let revoked = Dictionary(objects.revocations.compactMap { item in item.payload.license.map { ($0, item.payload.effective) } },
                                     uniquingKeysWith: min)
            report.features = featurePenetration(objects.licenses.map(\.license), revoked: revoked, at: moment)
        case "piracy":
            let end = query.at ?? now, start = query.from ?? ObjectLimits.earliestTime
            guard start < end else {
                throw NodeError(.invalidRequest, "a report's window must start before it ends: 'from' \(start) is not before \(end)")
            }
            report.window = .init(from: start, to: end)
            let findings = try auditor.storage { try auditor.store.findings() }
            (report.piracy, report.refusals) = piracy(objects.refusals, findings: findings, order: order, sites: objects.siteAgents, window: start...end,
                                                         activations: objects.activations)
        default:
            throw NodeError(.notFound, "no report '\(name)': choose \(ChannelReport.names.joined(separator: ", "))")
        }
        return report
    }

    /// ARR and MRR by region (the license's country), by agent (the node whose log holds the
    /// sale, in tree order) and by product, each per currency.
    private func recurring(_ subscriptions: [RevenueSale], order: [String]) -> [ChannelReport.RecurringRow] {
        let position = Dictionary(order.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        func rows(_ dimension: String, key: (RevenueSale) -> String, node: ((String) -> String)? = nil,
                  sortKey: @escaping (String) -> Int = { _ in 0 }) -> [ChannelReport.RecurringRow] {
            struct Group: Hashable { var key: String; var currency: String }
            let groups = Dictionary(grouping: subscriptions, by: { Group(key: key($0), currency: $0.price.currency) })
            return groups.map { group, items in
                let figures = items.reduce(into: RecurringRevenue.Figures()) { $0.add($1) }
                return ChannelReport.RecurringRow(dimension: dimension, key: node == nil ? group.key : names[group.key] ?? group.key,
                                                  node: node.map { $0(group.key) }, currency: group.currency, subscriptions: figures.subscriptions,
                                                  monthlyRecurring: figures.monthlyRecurring, annualRecurring: figures.annualRecurring,
                                                  saturated: figures.saturated)
            }
            .sorted { (sortKey($0.node ?? ""), $0.key, $0.currency) < (sortKey($1.node ?? ""), $1.key, $1.currency) }
        }
        return rows("region", key: \.country)
            + rows("agent", key: \.node, node: { $0 }, sortKey: { position[$0] ?? Int.max })
            + rows("product", key: \.product)
    }

    /// One customer's entitlement history. Within one issuer's log, events follow log position, so
    /// "license issued" precedes "activated" even in the same second; the issuers' sequences are
    /// merged by time, then issuance before activation before deactivation, then node and position.
    /// A lineage a customer transfer moved to or from the customer follows it into the history, with
    /// the transfer as an event.
    private func history(of customer: String, in objects: Objects) throws(NodeError) -> (String, [ChannelReport.HistoryEvent]) {
        // Names are matched as people type them: `muster gmbh` finds `Muster GmbH`.
        func named(_ name: String) -> Bool { name.caseInsensitiveCompare(customer) == .orderedSame }
        let transfers = owners(objects).applied.filter { named($0.transfer.payload.from) || named($0.transfer.payload.to) }
        let moved = Set(transfers.map(\.lineage))
        let theirs = objects.licenses.filter { named($0.license.payload.customer) || moved.contains($0.license.lineage) }
        let name = (objects.licenses.map(\.license.payload.customer) + transfers.flatMap { [$0.transfer.payload.from, $0.transfer.payload.to] })
            .first(where: named)
        guard !theirs.isEmpty, let name else {
            let nearest = NameSuggestion.nearest(to: customer, among: objects.licenses.map(\.license.payload.customer)
                                                     + objects.transfers.map(\.transfer.payload.to))
            throw NodeError(.notFound, "no license in this node's subtree is for a customer named '\(customer)' (case ignored)"
                            + (nearest.isEmpty ? "; the subtree holds no licenses yet" : "; did you mean " + nearest.map { "'\($0)'" }.joined(separator: " or ") + "?"))
        }
        struct Placed { var event: ChannelReport.HistoryEvent; var node: String; var rank: Int }
        let lineages = Set(theirs.map(\.license.lineage))
        var events: [Placed] = theirs.map { item in
            let claims = item.license.payload
            let event = claims.addonOf != nil ? "add-on issued" : claims.supersedes != nil ? "license upgraded or downgraded"
                : claims.converts != nil ? "trial converted" : claims.renews == nil ? "license issued" : "license renewed"
            return Placed(event: .init(at: claims.iat, event: event, node: names[item.node] ?? item.node,
                                       logIndex: item.index,
                                       detail: "license \(HashID.short(item.license.hash)): \(claims.product) [\(claims.features.joined(separator: ","))] \(claims.model), seats \(claims.seats), \(claims.price)"
                                           + (claims.exp.map { ", until \(TimeText.iso($0))" } ?? "")),
                          node: item.node, rank: claims.renews == nil && claims.addonOf == nil ? 0 : 1)
        }
        let theirActivations = objects.activations.filter { lineages.contains($0.activation.payload.license) }
        events += theirActivations.map { item in
            let claims = item.activation.payload
            return Placed(event: .init(at: claims.iat, event: claims.kind == .standard ? "activated" : "\(claims.kind.rawValue) activation",
                                       node: names[item.node] ?? item.node, logIndex: item.index,
                                       detail: "serial \(claims.serial) in \(claims.country) on \(claims.platform)"),
                          node: item.node, rank: 2)
        }
        events += transfers.map { item in
            let claims = item.transfer.payload
            return Placed(event: .init(at: claims.iat, event: named(claims.to) ? "transferred from \(claims.from)" : "transferred to \(claims.to)",
                                       node: names[item.node] ?? item.node, logIndex: item.index,
                                       detail: "license \(HashID.short(item.lineage)) (\(claims.reason)), transfer \(HashID.short(item.transfer.hash))"),
                          node: item.node, rank: 4)
        }
        let activationHashes = Set(theirActivations.map(\.activation.hash))
        events += objects.deactivations.filter { activationHashes.contains($0.deactivation.payload.activation) }.map { item in
            Placed(event: .init(at: item.deactivation.payload.iat, event: "deactivated", node: names[item.node] ?? item.node, logIndex: item.index,
                                detail: "serial \(item.deactivation.payload.serial), with the machine's proof"),
                   node: item.node, rank: 3)
        }
        // A k-way merge of each issuer's events in log order: a total order that keeps every log's own.
        var queues = Dictionary(grouping: events, by: \.node).values.map { ArraySlice($0.sorted { $0.event.logIndex < $1.event.logIndex }) }
        func key(_ placed: Placed) -> (Int64, Int, String, UInt64) { (placed.event.at, placed.rank, placed.node, placed.event.logIndex) }
        var merged: [ChannelReport.HistoryEvent] = []
        while let next = queues.indices.compactMap({ index in queues[index].first.map { (index, key($0)) } }).min(by: { $0.1 < $1.1 }) {
            merged.append(queues[next.0].removeFirst().event)
        }
        return (name, merged)
    }
}
