import Foundation
import Testing
import TollgateCertificates
@testable import TollgateConsole
import TollgateHTTPMessages
import TollgateNode

/// What the pages show and how: every value escaped by the one function, tables with headers,
/// charts as SVG with a title and a table, the bundle `tollgate audit --check` reads.
@Suite struct ConsoleRenderingTests {
    @Test func theOneEscapingFunctionCoversTextAndAttributes() {
        #expect(HTML.escape(#"<script>alert("x") & 'y'</script>"#) == "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;")
        #expect(HTML.escape("Müller GmbH") == "Müller GmbH")
        let value = #"" onmouseover="x"#
        let markup: Markup = "<input value=\"\(value)\"><p>\(value)</p><p>\(42)</p>"
        #expect(markup.html == "<input value=\"&quot; onmouseover=&quot;x\"><p>&quot; onmouseover=&quot;x</p><p>42</p>")
    }

    @Test func aCustomerNamedScriptIsRenderedAsText() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        let page = fixture.send(.get, "/console/customer", query: "name=" + ConsoleFixture.formEncoded(ConsoleFixture.customer),
                                cookies: [ConsoleCookie.session: id])
        #expect(page.status.code == 200, "\(page.bodyText)")
        let html = page.bodyText
        #expect(!html.contains(ConsoleFixture.customer))
        #expect(html.contains("Entitlement history of &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains(#"value="&lt;script&gt;alert(1)&lt;/script&gt;""#), "the form's field keeps the name, escaped in the attribute")
        #expect(html.contains("<td>license issued</td>"))
    }

    @Test func nodeNamesWithQuotesAndAmpersandsAreEscapedEverywhere() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        for path in NodeConsoleTests.pages {
            let html = fixture.send(.get, path, cookies: [ConsoleCookie.session: id]).bodyText
            #expect(!html.contains(ConsoleFixture.nodeName) && html.contains("Vendor &quot;Q&quot; &amp; &lt;Sons&gt;"), "\(path)")
        }
        let tree = fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id]).bodyText
        #expect(!tree.contains(ConsoleFixture.agentName) && tree.contains("O&#39;Brien &amp; &quot;Partners&quot;"))
    }

    @Test func theTreeShowsQuotaPerNodeAsOfAndCertificateLimitsInTables() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        let html = fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id]).bodyText
        for header in ["Node", "Allocated", "Issued", "Activated", "Returned", "Last sync", "As of", "Status"] {
            #expect(html.contains(#"<th scope="col""#) && html.contains(">\(header)</th>"), "\(header)")
        }
        #expect(html.contains(#"<th scope="row" class="depth-0">Vendor &quot;Q&quot; &amp; &lt;Sons&gt;</th>"#))
        // The agent has not synced: marked in words, not only colour.
        #expect(html.contains("<strong class=\"stale\">Never synced</strong>"))
        #expect(html.contains("<h2>Certificate limits</h2>") && html.contains("<td>AT, DE</td>") && html.contains("EUR 50.00"))
    }

    @Test func theActivityPageDrawsSVGChartsWithTitlesAndTables() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        let html = fixture.send(.get, "/console/activity", cookies: [ConsoleCookie.session: id]).bodyText
        #expect(html.contains(#"<svg class="chart" role="img" aria-labelledby="sales-title sales-desc""#))
        #expect(html.contains(#"<title id="sales-title">Licenses sold per day, 30 days</title>"#))
        #expect(html.contains("<rect class=\"bar\"") && html.contains("<title>2026-05-28: 1</title>"), "today's sale is a bar with its figure")
        #expect(html.contains("<caption>Per day, newest first</caption>") && html.contains(#"<th scope="row">2026-05-28</th><td class="number">1</td>"#))
        // ARR of the one subscription: 2 seats at EUR 120.00 for 365 days.
        #expect(html.contains(#"<th scope="row">EUR</th><td class="number">1</td><td class="number">240.00</td><td class="number">20.00</td>"#))
    }

    @Test func theActivityPageDrawsTheARRInForceAtTheEndOfEachDay() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        let html = fixture.send(.get, "/console/activity", cookies: [ConsoleCookie.session: id]).bodyText
        #expect(html.contains("<h2>ARR over time</h2>"))
        #expect(html.contains(#"<svg class="chart" role="img" aria-labelledby="arr-history-EUR-title arr-history-EUR-desc""#))
        #expect(html.contains(#"<title id="arr-history-EUR-title">ARR in force at the end of each day in EUR, minor units, 30 days</title>"#))
        // The subscription was sold today: today's bar has its ARR, the day before none.
        #expect(html.contains("<title>2026-05-28: 24000</title>") && html.contains("<title>2026-05-27: 0</title>"))
        #expect(html.contains("<caption>ARR at the end of each day, newest first</caption>"))
        #expect(html.contains(#"<th scope="row">2026-05-28</th><td>EUR</td><td class="number">1</td><td class="number">240.00</td>"#))
        #expect(!html.contains("<script"), "no script, the chart is SVG drawn on the server")
    }

    @Test func theFindingsBundleIsTheFileAuditCheckReads() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        let bundle = fixture.send(.get, "/console/findings/bundle.json", cookies: [ConsoleCookie.session: id])
        #expect(bundle.status.code == 200 && bundle.headers["Content-Type"] == "application/json")
        #expect(bundle.headers["Content-Disposition"] == #"attachment; filename="findings.json""#)
        let findings = try JSONDecoder().decode([AuditFinding].self, from: Data(bundle.body))
        #expect(findings == (try fixture.node.findings()))
        let page = fixture.send(.get, "/console/findings", cookies: [ConsoleCookie.session: id]).bodyText
        #expect(page.contains(#"<a href="/console/findings/bundle.json" download="findings.json">"#))
    }

    @Test func anUnknownCustomerSaysSoAndSuggestsNames() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        let page = fixture.send(.get, "/console/customer", query: "name=%3Cscript%3Ealert(2)%3C%2Fscript%3E", cookies: [ConsoleCookie.session: id])
        #expect(page.status.code == 404)
        #expect(page.bodyText.contains(#"role="alert""#) && page.bodyText.contains("no license in this node&#39;s subtree"))
        #expect(!page.bodyText.contains("<script>"))
    }
}
