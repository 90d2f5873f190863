import Foundation
import TollgateCertificates
import TollgateCrypto

extension ChannelView {
    /// Every signed object of the subtree's logs, decoded once, by the node whose log holds it.
    struct Objects {
        var licenses: [(license: SignedLicense, node: String)] = []
        var activations: [(activation: SignedActivation, node: String)] = []
        var deactivations: [(deactivation: SignedDeactivation, node: String)] = []
        var delegations: [(certificate: SignedCertificate, node: String)] = []
        var received: [(certificate: SignedCertificate, node: String)] = []
        var returns: [(quotaReturn: SignedQuotaReturn, node: String)] = []
    }

    /// Reads the logs a chunk at a time; the objects themselves are what every report counts.
    func objects() throws -> Objects {
        var objects = Objects()
        for log in logs.values.sorted(by: { $0.node < $1.node }) {
            try log.forEachChunk { entries in
                for entry in entries {
                    let text = String(decoding: entry.bytes, as: UTF8.self)
                    switch LogEntryKind(rawValue: entry.kind) {
                    case .licenseIssued, .licenseRenewed:
                        if let license = try? SignedLicense(compact: text) { objects.licenses.append((license, log.node)) }
                    case .activation:
                        if let activation = try? SignedActivation(compact: text) { objects.activations.append((activation, log.node)) }
                    case .deactivation:
                        if let deactivation = try? SignedDeactivation(compact: text) { objects.deactivations.append((deactivation, log.node)) }
                    case .certificateDelegated:
                        if let certificate = try? SignedCertificate(compact: text) { objects.delegations.append((certificate, log.node)) }
                    case .certificateReceived:
                        if let certificate = try? SignedCertificate(compact: text) { objects.received.append((certificate, log.node)) }
                    case .quotaReturned:
                        if let quotaReturn = try? SignedQuotaReturn(compact: text) { objects.returns.append((quotaReturn, log.node)) }
                    default:
                        break
                    }
                }
            }
        }
        return objects
    }

    /// A sum of seat counts that saturates instead of trapping (a hostile log may claim any number
    /// of ranges up to 2^53 each).
    static func total(_ counts: [UInt64]) -> UInt64 {
        counts.reduce(UInt64(0)) { sum, count in
            let (next, overflow) = sum.addingReportingOverflow(count)
            return overflow ? .max : next
        }
    }

    func report(_ name: String, customer: String?) throws(NodeError) -> ChannelReport {
        var report = ChannelReport(name: name, generatedAt: now)
        let objects = try auditor.storage { try self.objects() }
        let ended = Set(objects.deactivations.map(\.deactivation.payload.activation))
        let activeNow = objects.activations.filter { item in
            !ended.contains(item.activation.hash) && (item.activation.payload.exp.map { $0 > now } ?? true)
        }
        switch name {
        case "quota":
            var rows: [ChannelReport.QuotaRow] = []
            for node in logs.keys.sorted() {
                let allocated = Self.total(objects.received.filter { $0.node == node }.map(\.certificate.payload.seats.count))
                let delegated = Self.total(objects.delegations.filter { $0.node == node }.map(\.certificate.payload.seats.count))
                let issued = Self.total(objects.licenses.filter { $0.node == node && $0.license.payload.renews == nil }.map(\.license.payload.seats.count))
                let activated = UInt64(activeNow.filter { $0.node == node && $0.activation.payload.kind != .temporary }.count)
                let returned = Self.total(objects.returns.filter { $0.node == node }.map(\.quotaReturn.payload.seats.count))
                rows.append(.init(node: node, name: names[node] ?? node, parent: parentOf[node].map { names[$0] ?? $0 },
                                  allocated: node == auditor.identity.keyID && auditor.identity.isRoot ? delegated : allocated,
                                  delegated: delegated, issued: issued, activated: activated, returned: returned))
            }
            report.quota = rows
        case "activations":
            func counts(_ key: (Activation) -> String) -> [ChannelReport.CountRow] {
                Dictionary(grouping: activeNow, by: { key($0.activation.payload) }).map { .init(key: $0.key, count: $0.value.count) }
                    .sorted { ($0.count, $1.key) > ($1.count, $0.key) }
            }
            report.activationsByCountry = counts(\.country)
            report.activationsByPlatform = counts(\.platform)
        case "conversion":
            let firstActivation = Dictionary(grouping: objects.activations, by: { $0.activation.payload.license })
                .mapValues { $0.map(\.activation.payload.iat).min() ?? 0 }
            let originals = objects.licenses.filter { $0.license.payload.renews == nil }
            let delays = originals.compactMap { item in firstActivation[item.license.hash].map { max(0, $0 - item.license.payload.iat) } }.sorted()
            report.conversion = .init(licenses: originals.count, activated: delays.count,
                                      medianSeconds: delays.isEmpty ? nil : delays[delays.count / 2],
                                      p90Seconds: delays.isEmpty ? nil : delays[min(delays.count - 1, delays.count * 9 / 10)],
                                      meanSeconds: delays.isEmpty ? nil : Int64(delays.reduce(Int128(0)) { $0 + Int128($1) } / Int128(delays.count)))
        case "models":
            let originals = objects.licenses.filter { $0.license.payload.renews == nil }
            report.models = Dictionary(grouping: originals, by: { $0.license.payload.model }).map { model, items in
                .init(model: model, licenses: items.count, seats: Self.total(items.map(\.license.payload.seats.count)))
            }.sorted { $0.model < $1.model }
        case "customer":
            guard let customer, !customer.isEmpty else { throw NodeError(.invalidRequest, "the customer report needs a customer name") }
            // Names are matched as people type them: `muster gmbh` finds `Muster GmbH`.
            let theirs = objects.licenses.filter { $0.license.payload.customer.caseInsensitiveCompare(customer) == .orderedSame }
            guard let first = theirs.first else {
                let nearest = NameSuggestion.nearest(to: customer, among: objects.licenses.map(\.license.payload.customer))
                throw NodeError(.notFound, "no license in this node's subtree is for a customer named '\(customer)' (case ignored)"
                                + (nearest.isEmpty ? "; the subtree holds no licenses yet" : "; did you mean " + nearest.map { "'\($0)'" }.joined(separator: " or ") + "?"))
            }
            report.customer = first.license.payload.customer
            let lineages = Set(theirs.map { $0.license.payload.renews ?? $0.license.hash })
            var history: [ChannelReport.HistoryEvent] = theirs.map { item in
                let claims = item.license.payload
                return .init(at: claims.iat, event: claims.renews == nil ? "license issued" : "license renewed", node: names[item.node] ?? item.node,
                             detail: "license \(HashID.short(item.license.hash)): \(claims.product) [\(claims.features.joined(separator: ","))] \(claims.model), seats \(claims.seats), \(claims.price)"
                                 + (claims.exp.map { ", until \(TimeText.iso($0))" } ?? ""))
            }
            let theirActivations = objects.activations.filter { lineages.contains($0.activation.payload.license) }
            history += theirActivations.map { item in
                let claims = item.activation.payload
                return .init(at: claims.iat, event: claims.kind == .standard ? "activated" : "\(claims.kind.rawValue) activation",
                             node: names[item.node] ?? item.node, detail: "serial \(claims.serial) in \(claims.country) on \(claims.platform)")
            }
            let activationHashes = Set(theirActivations.map(\.activation.hash))
            history += objects.deactivations.filter { activationHashes.contains($0.deactivation.payload.activation) }.map { item in
                .init(at: item.deactivation.payload.iat, event: "deactivated", node: names[item.node] ?? item.node,
                      detail: "serial \(item.deactivation.payload.serial), with the machine's proof")
            }
            report.history = history.sorted { ($0.at, $0.event) < ($1.at, $1.event) }
        case "freshness":
            report.freshness = syncWithin.keys.sorted().map { node in
                let last = (witnesses[node] ?? []).map(\.time).max()
                let limit = syncWithin[node] ?? 0
                let age = last.map { now - $0 }
                return .init(node: node, name: names[node] ?? node, lastSync: last, ageSeconds: age, syncWithin: limit,
                             status: age.map { $0 > limit ? "stale" : ($0 > limit / 2 ? "due" : "fresh") } ?? "never synced")
            }
        case "revenue":
            let latest = Dictionary(grouping: objects.licenses.filter { $0.license.payload.model == "subscription" },
                                    by: { $0.license.payload.renews ?? $0.license.hash })
                .compactMap { $0.value.max { $0.license.payload.iat < $1.license.payload.iat }?.license.payload }
            let active = latest.filter { $0.nbf <= now && ($0.exp ?? Int64.max) > now }
            report.revenue = Dictionary(grouping: active, by: \.price.currency).map { currency, subscriptions in
                // Prices, seat counts and times are bounded where they are decoded (ObjectLimits),
                // so each term fits 128 bits with room for any number of them.
                let monthly = subscriptions.reduce(Int128(0)) { total, license in
                    let term = Int128(max(1, (license.exp ?? now) - license.nbf))
                    return total + Int128(license.price.amount) * Int128(license.seats.count) * 30 * 86_400 / term
                }
                return .init(currency: currency, activeSubscriptions: subscriptions.count, monthlyRecurring: Int64(clamping: monthly),
                             saturated: monthly > Int128(Int64.max))
            }.sorted { $0.currency < $1.currency }
        default:
            throw NodeError(.notFound, "no report '\(name)': choose \(ChannelReport.names.joined(separator: ", "))")
        }
        return report
    }
}
