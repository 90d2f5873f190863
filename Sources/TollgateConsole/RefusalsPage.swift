import TollgateCertificates
import TollgateNode

/// Refused activations and over-leasing attempts across the subtree, as the nodes that refused
/// them logged them (the `piracy` report): the figures per node in tree order, then each refusal,
/// newest first. Customer names, platforms and codes come from logs a descendant wrote, so every
/// value goes through ``Markup``'s escaping.
enum RefusalsPage {
    static func render(_ report: ChannelReport, now: Int64) -> Markup {
        let nodes = (report.piracy ?? []).map { row -> Markup in
            let codes = row.refusedByCode.map { "\($0.key) \($0.count)" }.joined(separator: ", ")
            return """
                <tr><th scope="row">\(row.name)</th><td class="number">\(row.refused)</td><td class="number">\(row.overActivationAttempts)</td>\
                <td class="number">\(row.overLeasingAttempts)</td><td class="number">\(row.forgeries)</td><td class="number">\(row.hiddenIssuance)</td>\
                <td class="number">\(row.openFindings)</td><td>\(codes)</td></tr>
                """
        }
        let refusals = (report.refusals ?? []).map { row -> Markup in
            let code = row.count == 1 ? row.code : "\(row.code) ×\(row.count) (hourly summary)"
            return """
                <tr><td>\(TimeText.iso(row.at))</td><td>\(row.name)</td><td>\(row.attempt)</td><td>\(code)</td>\
                <td>\(row.serial.map { String($0) } ?? "—")</td><td>\(row.customer ?? "—")</td><td>\(row.country ?? "—")</td>\
                <td><code>\(row.machine.map(HashID.short) ?? "—")</code></td></tr>
                """
        }
        let listed = report.refusals?.count ?? 0
        return """
            <p>Attempts to take a seat that a node refused, from the records its log carries up the tree; a node logs at most \
            \(LicensingNode.refusalsLoggedPerHour) an hour and summarizes the rest. Figures as of each node's last sync.</p>
            \(ConsolePage.table("Piracy monitoring per node", head: ["Node", "Refused", "Over-activation", "Over-leasing", "Forgeries", "Hidden issuance",
                                                                     "Open findings", "Refused by code"], rows: nodes, numeric: [1, 2, 3, 4, 5, 6]))
            \(ConsolePage.table("\(listed) refused attempt\(listed == 1 ? "" : "s"), newest first",
                                head: ["When", "Node", "Attempt", "Code", "License serial", "Customer", "Country", "Machine"], rows: refusals))
            """
    }
}
