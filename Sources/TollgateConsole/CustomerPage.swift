import TollgateCertificates
import TollgateNode

/// Customer lookup: a GET form (the name is no secret, and the page can be bookmarked), then the
/// customer's entitlement history across the subtree, or why there is none.
enum CustomerPage {
    static func render(name: String?, report: ChannelReport?, problem: String?) -> Markup {
        let error: Markup = problem.map { "<div class=\"message\" role=\"alert\"><p id=\"name-error\" class=\"error\">\($0)</p></div>" } ?? ""
        let described: Markup = problem == nil ? "" : " aria-describedby=\"name-error\""
        let form: Markup = """
            <form method="get" action="/console/customer" role="search"><label for="name">Customer name</label>\
            <input id="name" name="name" type="search" value="\(name ?? "")" required\(described)><button type="submit">Look up</button></form>
            """
        guard let report, let history = report.history else { return "\(error)\(form)" }
        let rows = history.map { event -> Markup in
            """
            <tr><th scope="row">\(TimeText.iso(event.at))</th><td>\(event.event)</td><td>\(event.node)</td><td class="number">\(event.logIndex)</td><td>\(event.detail)</td></tr>
            """
        }
        return """
            \(form)
            <h2>Entitlement history of \(report.customer ?? name ?? "")</h2>
            \(ConsolePage.table("Events, oldest first", head: ["When (UTC)", "Event", "Node", "Log index", "Detail"], rows: rows, numeric: [3]))
            """
    }
}
