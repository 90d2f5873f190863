import Dispatch
import Foundation
import Synchronization
import TollgateCertificates
import TollgateCrypto

extension ChannelView {
    /// A usage record in one of the subtree's logs whose signature verifies with the machine key it
    /// names (a record an agent made up is not the machine's and is neither billed nor proof).
    struct LoggedUsage {
        let record: SignedUsageRecord
        let node: String
        let index: UInt64
        /// Logged as a fork's evidence (`usage-forked`), not as a link of the chain.
        let forked: Bool

        var chain: String { record.payload.license + " " + record.payload.machineKey }
    }

    /// Every machine-signed usage record of the subtree's logs, in log order per node; a record
    /// held in several logs appears once, at the first. The machines' signatures, most of what a
    /// large subtree's bill costs, are checked on every core.
    func usageRecords() throws -> [LoggedUsage] {
        var candidates: [(usage: LoggedUsage, key: Ed25519PublicKey)] = []
        var seen: Set<String> = []
        var keys: [String: Ed25519PublicKey] = [:]
        for log in logs.values.sorted(by: { $0.node < $1.node }) {
            try log.forEachChunk { entries in
                for entry in entries {
                    let kind = LogEntryKind(rawValue: entry.kind)
                    guard kind == .usageRecorded || kind == .usageForked,
                          let record = try? SignedUsageRecord(compact: String(decoding: entry.bytes, as: UTF8.self)),
                          seen.insert(record.hash).inserted else { continue }
                    let machineKey = record.payload.machineKey
                    if keys[machineKey] == nil, let raw = try? Base64URL.decode(machineKey), let key = try? Ed25519PublicKey(rawRepresentation: raw) {
                        keys[machineKey] = key
                    }
                    guard let key = keys[machineKey], record.jws.header.kid == key.thumbprint else { continue }
                    candidates.append((LoggedUsage(record: record, node: log.node, index: entry.index, forked: kind == .usageForked), key))
                }
            }
        }
        let verified = Self.signed(candidates.map { ($0.usage.record.jws, $0.key) }, signatures: auditor.store.verifiedSignatures)
        return candidates.indices.filter { verified[$0] }.map { candidates[$0].usage }
    }

    /// Whether each JWS is signed by its key, checked in slices on all cores (a signature the
    /// store recorded as verified is not verified again).
    static func signed(_ items: [(jws: JWS, key: Ed25519PublicKey)], signatures: VerifiedSignatures) -> [Bool] {
        let slices = max(1, min(items.count / 64, ProcessInfo.processInfo.activeProcessorCount * 4))
        let results = Mutex([Bool](repeating: false, count: items.count))
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (items.count * slice / slices)..<(items.count * (slice + 1) / slices)
            let part = range.map { signatures.isSigned(items[$0].jws, by: items[$0].key) }
            results.withLock { all in
                for (offset, ok) in zip(range, part) { all[offset] = ok }
            }
        }
        return results.withLock { $0 }
    }

    /// The latest license of each lineage in the subtree (its metering and customer bill the lineage's use).
    static func currentLicenses(_ licenses: [(license: SignedLicense, node: String, index: UInt64)]) -> [String: (license: SignedLicense, node: String, index: UInt64)] {
        var current: [String: (license: SignedLicense, node: String, index: UInt64)] = [:]
        for item in licenses {
            let lineage = item.license.payload.renews ?? item.license.hash
            if let known = current[lineage], (known.license.payload.iat, known.index) >= (item.license.payload.iat, item.index) { continue }
            current[lineage] = item
        }
        return current
    }

    /// The `usage` report: per customer, license, period and feature, the chains' units, the
    /// allowance and the overage priced at the license's unit price; totals per period and
    /// currency. Only chain links are billed, each record once.
    func usageBilling(period: String?, licenses: [(license: SignedLicense, node: String, index: UInt64)])
        throws -> ([ChannelReport.UsageRow], [ChannelReport.UsageTotal]) {
        let current = Self.currentLicenses(licenses)
        struct Group: Hashable { var lineage: String; var period: String; var feature: String }
        struct Chain: Hashable { var group: Group; var machineKey: String }
        var perMachine: [Chain: (units: Int64, records: Int, saturated: Bool)] = [:]
        var nodes: [String: String] = [:]
        for item in try usageRecords() where !item.forked {
            let claims = item.record.payload
            guard period.map({ $0 == claims.period }) ?? true, current[claims.license]?.license.payload.metering != nil else { continue }
            let chain = Chain(group: Group(lineage: claims.license, period: claims.period, feature: claims.feature), machineKey: claims.machineKey)
            var figures = perMachine[chain] ?? (0, 0, false)
            let (sum, overflow) = figures.units.addingReportingOverflow(claims.units)
            figures = (overflow ? .max : sum, figures.records + 1, figures.saturated || overflow)
            perMachine[chain] = figures
            nodes[claims.license] = nodes[claims.license] ?? item.node
        }
        func add(_ a: Int64, _ b: Int64, _ saturated: inout Bool) -> Int64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if overflow { saturated = true }
            return overflow ? .max : sum
        }
        var rows: [Group: ChannelReport.UsageRow] = [:]
        for (chain, figures) in perMachine {
            guard let license = current[chain.group.lineage]?.license.payload, let metering = license.metering else { continue }
            let allowance = metering.allowance(of: chain.group.feature) ?? 0
            var row = rows[chain.group] ?? ChannelReport.UsageRow(
                customer: license.customer, license: chain.group.lineage, node: names[nodes[chain.group.lineage] ?? ""] ?? nodes[chain.group.lineage] ?? "",
                period: chain.group.period, feature: chain.group.feature, machines: 0, records: 0, units: 0, allowance: 0, overageUnits: 0,
                overageRule: metering.overageText, currency: metering.unitPrice.currency, unitPrice: metering.unitPrice.amount, overagePrice: 0,
                saturated: false)
            var saturated = row.saturated || figures.saturated
            row.machines += 1
            row.records += figures.records
            row.units = add(row.units, figures.units, &saturated)
            row.allowance = add(row.allowance, allowance, &saturated)
            row.overageUnits = add(row.overageUnits, max(0, figures.units - allowance), &saturated)
            let (price, overflow) = row.overageUnits.multipliedReportingOverflow(by: row.unitPrice)
            row.overagePrice = overflow ? .max : price
            row.saturated = saturated || overflow
            rows[chain.group] = row
        }
        let ordered = rows.values.sorted { ($0.customer, $0.license, $0.period, $0.feature) < ($1.customer, $1.license, $1.period, $1.feature) }
        struct TotalKey: Hashable { var period: String; var currency: String }
        var totals: [TotalKey: ChannelReport.UsageTotal] = [:]
        for row in ordered {
            let key = TotalKey(period: row.period, currency: row.currency)
            var total = totals[key] ?? ChannelReport.UsageTotal(period: row.period, currency: row.currency, units: 0, overageUnits: 0, overagePrice: 0)
            var saturated = total.saturated || row.saturated
            total.units = add(total.units, row.units, &saturated)
            total.overageUnits = add(total.overageUnits, row.overageUnits, &saturated)
            total.overagePrice = add(total.overagePrice, row.overagePrice, &saturated)
            total.saturated = saturated
            totals[key] = total
        }
        return (ordered, totals.values.sorted { ($0.period, $0.currency) < ($1.period, $1.currency) })
    }
}
