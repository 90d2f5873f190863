import TollgateCertificates
import TollgateNode

/// Activity and money over time: sales, renewals and activations per day, active activations by
/// country and platform, and recurring revenue (ARR, MRR) per currency and by region, agent and
/// product, and the ARR in force at the end of each day. Each chart is SVG drawn here, followed by
/// the table of its figures.
enum ActivityPage {
    static func render(activity: ChannelActivity, activations: ChannelReport, revenue: ChannelReport, recurring: ChannelReport,
                       history: ChannelReport) -> Markup {
        let days = activity.days
        let window: Markup = days.isEmpty ? "" : "\(days[0].day) to \(days[days.count - 1].day) (UTC)"
        let dayRows = days.reversed().map { day -> Markup in
            "<tr><th scope=\"row\">\(day.day)</th><td class=\"number\">\(day.sales)</td><td class=\"number\">\(day.renewals)</td><td class=\"number\">\(day.activations)</td></tr>"
        }
        let countries = activations.activationsByCountry ?? [], platforms = activations.activationsByPlatform ?? []
        func countRows(_ rows: [ChannelReport.CountRow]) -> [Markup] {
            rows.map { "<tr><th scope=\"row\">\($0.key)</th><td class=\"number\">\($0.count)</td></tr>" }
        }
        let money = (revenue.revenue ?? []).map { row -> Markup in
            """
            <tr><th scope="row">\(row.currency)</th><td class="number">\(row.activeSubscriptions)</td>\
            <td class="number">\(CurrencyAmount.text(minorUnits: row.annualRecurring, currency: row.currency))</td>\
            <td class="number">\(CurrencyAmount.text(minorUnits: row.monthlyRecurring, currency: row.currency))</td><td>\(row.saturated ? "yes" : "no")</td></tr>
            """
        }
        let recurringRows = (recurring.recurring ?? []).map { row -> Markup in
            """
            <tr><th scope="row">\(row.dimension): \(row.key)</th><td>\(row.currency)</td><td class="number">\(row.subscriptions)</td>\
            <td class="number">\(CurrencyAmount.text(minorUnits: row.annualRecurring, currency: row.currency))</td>\
            <td class="number">\(CurrencyAmount.text(minorUnits: row.monthlyRecurring, currency: row.currency))</td></tr>
            """
        }
        let arrCharts = Dictionary(grouping: (recurring.recurring ?? []).filter { $0.dimension == "region" }, by: \.currency).sorted { $0.key < $1.key }
            .map { currency, rows -> Markup in
                BarChart(id: "arr-\(currency)", title: "ARR by region in \(currency), minor units", bars: rows.map { ($0.key, $0.annualRecurring) }).svg
            }
        let arrDays = history.arrHistory ?? []
        let arrByCurrency = Dictionary(grouping: arrDays, by: \.currency).sorted { $0.key < $1.key }
        let arrHistoryCharts: Markup = arrByCurrency.isEmpty ? "<p>No subscription was in force on any day of the window.</p>"
            : Markup(joining: arrByCurrency.map { currency, rows -> Markup in
                BarChart(id: "arr-history-\(currency)", title: "ARR in force at the end of each day in \(currency), minor units, \(rows.count) days",
                         bars: rows.map { ($0.day, $0.annualRecurring) }).svg
            })
        let arrHistoryRows = arrDays.reversed().map { row -> Markup in
            """
            <tr><th scope="row">\(row.day)</th><td>\(row.currency)</td><td class="number">\(row.subscriptions)</td>\
            <td class="number">\(CurrencyAmount.text(minorUnits: row.annualRecurring, currency: row.currency))</td></tr>
            """
        }
        return """
            <p>From this node's log and the descendant logs it holds, as of their last sync (see the channel tree). Window: \(window).</p>
            <h2>Sales and activations per day</h2>
            \(BarChart(id: "sales", title: "Licenses sold per day, \(days.count) days", bars: days.map { ($0.day, Int64($0.sales)) }).svg)
            \(BarChart(id: "activations", title: "Activations per day, \(days.count) days", bars: days.map { ($0.day, Int64($0.activations)) }).svg)
            \(ConsolePage.table("Per day, newest first", head: ["Day", "Licenses sold", "Renewals", "Activations"], rows: dayRows, numeric: [1, 2, 3]))
            <h2>Active activations by country and platform</h2>
            \(BarChart(id: "countries", title: "Active activations by country", bars: countries.prefix(20).map { ($0.key, Int64($0.count)) }).svg)
            \(ConsolePage.table("By country", head: ["Country", "Activations"], rows: countRows(countries), numeric: [1]))
            \(BarChart(id: "platforms", title: "Active activations by platform", bars: platforms.prefix(20).map { ($0.key, Int64($0.count)) }).svg)
            \(ConsolePage.table("By platform", head: ["Platform", "Activations"], rows: countRows(platforms), numeric: [1]))
            <h2>Recurring revenue</h2>
            <p>Subscriptions in force now, per currency (never summed across currencies): ARR is the price per seat times seats over a 365-day year, MRR a twelfth of it.</p>
            \(ConsolePage.table("ARR and MRR per currency", head: ["Currency", "Subscriptions", "ARR", "MRR", "Saturated"], rows: money, numeric: [1, 2, 3]))
            \(arrCharts)
            \(ConsolePage.table("ARR and MRR by region, agent and product", head: ["Group", "Currency", "Subscriptions", "ARR", "MRR"], rows: recurringRows,
                                numeric: [2, 3, 4]))
            <h2>ARR over time</h2>
            <p>The ARR in force at the end of each UTC day (now for today), per currency, counting only the licenses issued by then.</p>
            \(arrHistoryCharts)
            \(ConsolePage.table("ARR at the end of each day, newest first", head: ["Day", "Currency", "Subscriptions", "ARR"], rows: arrHistoryRows,
                                numeric: [2, 3]))
            """
    }
}
