/// The frame of every console page: language, viewport for phone widths, the one stylesheet, a skip
/// link to the main content, the navigation (the current page marked for screen readers) and the
/// logout form with the session's anti-CSRF token. Pages without a session (the login form) get no
/// navigation.
struct ConsolePage: Sendable {
    enum Section: String, CaseIterable, Sendable {
        case tree = "/console", findings = "/console/findings", refusals = "/console/refusals", activity = "/console/activity", customer = "/console/customer"

        var title: String {
            switch self {
            case .tree: "Channel tree"
            case .findings: "Findings"
            case .refusals: "Refused activations"
            case .activity: "Activity and money"
            case .customer: "Customer lookup"
            }
        }
    }

    var nodeName: String
    var title: String
    var section: Section?
    /// The session's anti-CSRF token, for the logout form; nil on the login form.
    var csrf: String?

    func render(_ content: Markup) -> Markup {
        let navigation: Markup
        if let csrf {
            let items = Section.allCases.map { item -> Markup in
                item == section ? "<li><a href=\"\(item.rawValue)\" aria-current=\"page\">\(item.title)</a></li>"
                    : "<li><a href=\"\(item.rawValue)\">\(item.title)</a></li>"
            }
            navigation = """
                <nav aria-label="Console"><ul>\(items)</ul></nav>\
                <form class="logout" method="post" action="/console/logout"><input type="hidden" name="csrf" value="\(csrf)"><button type="submit">Log out</button></form>
                """
        } else {
            navigation = ""
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(title) · \(nodeName) · Tollgate console</title><link rel="stylesheet" href="/console/console.css"></head>
            <body><a class="skip" href="#main">Skip to main content</a>
            <header><p class="brand">Tollgate console · \(nodeName)</p>\(navigation)</header>
            <main id="main" tabindex="-1"><h1>\(title)</h1>
            \(content)
            </main></body></html>

            """
    }

    /// A table in a region that scrolls on its own at phone width, focusable so a keyboard can scroll it.
    static func table(_ caption: String, head: [String], rows: [Markup], numeric: Set<Int> = []) -> Markup {
        let headers = head.enumerated().map { index, name -> Markup in
            numeric.contains(index) ? "<th scope=\"col\" class=\"number\">\(name)</th>" : "<th scope=\"col\">\(name)</th>"
        }
        let body: Markup = rows.isEmpty ? "<tr><td colspan=\"\(head.count)\">None.</td></tr>" : Markup(joining: rows)
        return """
            <div class="table-wrap" role="region" aria-label="\(caption)" tabindex="0"><table><caption>\(caption)</caption>\
            <thead><tr>\(headers)</tr></thead><tbody>\(body)</tbody></table></div>

            """
    }
}
