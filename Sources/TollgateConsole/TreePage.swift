import TollgateCertificates
import TollgateNode

/// The channel tree: per node, in tree order, the seats allocated, delegated, issued, activated and
/// returned, the last sync and what the figures are as of, and whether the node is stale (in words);
/// then the limits of every certificate the nodes hold.
enum TreePage {
    static func render(quota: ChannelReport, freshness: ChannelReport, activity: ChannelActivity, now: Int64) -> Markup {
        let asOf = Dictionary(quota.asOf.map { ($0.node, $0) }, uniquingKeysWith: { first, _ in first })
        let fresh = Dictionary((freshness.freshness ?? []).map { ($0.node, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = (quota.quota ?? []).map { row -> Markup in
            let view = asOf[row.node], status = fresh[row.node]
            let depth = min(view?.depth ?? 0, 5)
            let lastSync: Markup = status?.lastSync.map { "\(TimeText.iso($0, relativeTo: now))" } ?? (view?.partial == false ? "this node" : "never")
            let seen: Markup
            if let view, !view.partial {
                seen = "now (this node's own log, \(view.logSize) entries)"
            } else if let at = view?.checkpointAt {
                seen = "\(TimeText.iso(at, relativeTo: now)), \(view?.logSize ?? 0) entries"
            } else {
                seen = "no checkpoint seen yet"
            }
            let state: Markup = switch status?.status {
            case "stale"?: "<strong class=\"stale\">Stale</strong>: no sync within \(TimeText.duration(status?.syncWithin ?? 0))"
            case "due"?: "<span class=\"due\">Due</span>: more than half of \(TimeText.duration(status?.syncWithin ?? 0)) since the last sync"
            case "never synced"?: "<strong class=\"stale\">Never synced</strong>"
            case let other?: "\(other.prefix(1).uppercased() + other.dropFirst())"
            case nil: view?.partial == false ? "This node" : "Unknown"
            }
            return """
                <tr><th scope="row" class="depth-\(depth)">\(row.name)</th><td>\(row.parent ?? "none (top of this view)")</td>\
                <td class="number">\(row.allocated)</td><td class="number">\(row.delegated)</td><td class="number">\(row.issued)</td>\
                <td class="number">\(row.activated)</td><td class="number">\(row.returned)</td><td>\(lastSync)</td><td>\(seen)</td><td>\(state)</td></tr>
                """
        }
        let stale = (freshness.freshness ?? []).filter { $0.status == "stale" || $0.status == "never synced" }.count
        let summary: Markup = stale == 0 ? "<p class=\"notice\">Every node below this one has synced within its limit.</p>"
            : "<p class=\"message\"><strong>\(stale) node\(stale == 1 ? "" : "s") stale or never synced</strong>: their figures are only as new as their last sync.</p>"
        let limits = activity.certificates.map { limit -> Markup in
            let products = limit.products.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.joined(separator: ", ")))" }.joined(separator: "; ")
            let floors = limit.priceFloor.sorted { $0.key < $1.key }.map { "\($0.key) \(CurrencyAmount.text(minorUnits: $0.value, currency: $0.key))" }
            return """
                <tr><th scope="row">\(limit.name)</th><td>\(limit.seats.description) (\(limit.seats.count) seats)</td><td>\(limit.countries.joined(separator: ", "))</td>\
                <td>\(products)</td><td>\(limit.models.joined(separator: ", "))</td><td>\(floors.isEmpty ? "none" : floors.joined(separator: ", "))</td>\
                <td>\(TimeText.iso(limit.nbf)) to \(TimeText.iso(limit.exp))</td><td>\(TimeText.duration(limit.syncWithin))</td><td class="number">\(limit.depth)</td></tr>
                """
        }
        return """
            <p>Seats per node of this node's subtree, in channel-tree order. A descendant's figures are as of the last checkpoint of its log this node accepted.</p>
            \(summary)
            \(ConsolePage.table("Quota per node", head: ["Node", "Parent", "Allocated", "Delegated", "Issued", "Activated", "Returned", "Last sync", "As of", "Status"],
                                rows: rows, numeric: [2, 3, 4, 5, 6]))
            <h2>Certificate limits</h2>
            \(ConsolePage.table("Certificates the nodes received", head: ["Node", "Seats", "Countries", "Products (features)", "Models", "Price floor per seat",
                                                                          "Valid", "Sync within", "Further levels"], rows: limits, numeric: [8]))
            """
    }
}
