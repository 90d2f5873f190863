import TollgateCertificates
import TollgateNode

/// The metered customers' own tally of the use their agents receipted: units and records per
/// seller, license, period and feature. Once every log has reached the root, the root's `usage`
/// report must bill exactly this: each receipted record once, a fork's evidence never.
struct UsageTally {
    struct Key: Hashable, Comparable {
        /// The selling agent's name, as the report's rows name it.
        var seller: String
        var license: String
        var period: String
        var feature: String

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.seller, lhs.license, lhs.period, lhs.feature) < (rhs.seller, rhs.license, rhs.period, rhs.feature)
        }
    }

    private(set) var figures: [Key: (units: Int64, records: Int)] = [:]

    init() {}

    /// The desks' tallies together.
    init(desks: [CustomerDesk]) {
        for desk in desks {
            figures.merge(desk.usage.figures) { ($0.units + $1.units, $0.records + $1.records) }
        }
    }

    /// A record the seller receipted.
    mutating func add(_ record: UsageRecord, seller: String) {
        let key = Key(seller: seller, license: record.license, period: record.period, feature: record.feature)
        let known = figures[key] ?? (0, 0)
        figures[key] = (known.units + record.units, known.records + 1)
    }

    /// Where the root's `usage` rows of `sellers` differ from the tally.
    func mismatches(_ rows: [ChannelReport.UsageRow], sellers: Set<String>) -> [String] {
        var reported: [Key: (units: Int64, records: Int)] = [:]
        for row in rows where sellers.contains(row.node) {
            reported[Key(seller: row.node, license: row.license, period: row.period, feature: row.feature)] = (row.units, row.records)
        }
        let tallied = figures.filter { sellers.contains($0.key.seller) }
        return Set(reported.keys).union(tallied.keys).sorted().compactMap { key in
            let root = reported[key], own = tallied[key]
            guard root?.units != own?.units || root?.records != own?.records else { return nil }
            func text(_ figures: (units: Int64, records: Int)?) -> String { figures.map { "\($0.units) units in \($0.records) records" } ?? "nothing" }
            return "the root bills license \(HashID.short(key.license)) for \(key.feature) in \(key.period) \(text(root)), its customer receipted \(text(own))"
        }
    }
}
