extension RecurringRevenue {
    /// The ARR and MRR per currency in force at each of `moments` (ascending), counting at each
    /// moment only the licenses issued at or before it (`iat ≤ moment`): what
    /// `inForce(sales.filter { $0.iat <= moment }, at: moment)` gives, summed per currency, for
    /// every moment in one sweep over the sales instead of one pass per moment.
    public static func history(_ sales: [RevenueSale], at moments: [Int64]) -> [[String: Figures]] {
        struct Known {
            var sale: RevenueSale
            var key: (Int64, UInt64)
            var monthly: Int128
            var annual: Int128
        }
        // Each lineage's subscriptions in the order they become known, ties in the order given
        // (so the latest is the one `latest(of:)` picks: the first of equal keys).
        let byLineage = Dictionary(grouping: sales.enumerated().filter { $0.element.model == "subscription" }, by: \.element.lineage)
        let lineages = Array(byLineage.keys)
        let position = Dictionary(uniqueKeysWithValues: lineages.enumerated().map { ($0.element, $0.offset) })
        let queues: [[Known]] = lineages.map { lineage in
            (byLineage[lineage] ?? []).sorted { ($0.element.iat, $0.offset) < ($1.element.iat, $1.offset) }.map { item in
                let (monthly, annual) = figures(of: item.element)
                return Known(sale: item.element, key: (item.element.iat, item.element.index), monthly: monthly, annual: annual)
            }
        }
        let changed = queues.map { queue in queue.map { $0.sale.changes.flatMap { position[$0] } } }
        var next = [Int](repeating: 0, count: lineages.count)
        var latest = [Int?](repeating: nil, count: lineages.count)
        var result: [[String: Figures]] = []
        for moment in moments {
            for lineage in queues.indices {
                let queue = queues[lineage]
                while next[lineage] < queue.count, queue[next[lineage]].sale.iat <= moment {
                    if latest[lineage].map({ queue[$0].key < queue[next[lineage]].key }) ?? true { latest[lineage] = next[lineage] }
                    next[lineage] += 1
                }
            }
            var totals: [String: Figures] = [:]
            for lineage in queues.indices {
                guard let current = latest[lineage] else { continue }
                let known = queues[lineage][current], sale = known.sale
                guard let exp = sale.exp, sale.nbf <= moment, moment < exp else { continue }
                // An upgrade or downgrade adds to its lineage until a later license reprices it.
                if let target = changed[lineage][current], let repricing = latest[target].map({ queues[target][$0] }),
                   repricing.sale.changes == nil, !(repricing.key < known.key) { continue }
                totals[sale.price.currency, default: Figures()].add(monthly: known.monthly, annual: known.annual)
            }
            result.append(totals)
        }
        return result
    }
}
