import TollgateCertificates
import TollgateNode

/// The audit's findings, each with the signed objects that prove it, and the bundle to download:
/// the findings file `tollgate audit --check` re-verifies with nothing but the trust anchor.
enum FindingsPage {
    static func render(_ findings: [AuditFinding], now: Int64) -> Markup {
        let download: Markup = """
            <p><a href="/console/findings/bundle.json" download="findings.json">Download the evidence bundle (JSON, \(findings.count) finding\(findings.count == 1 ? "" : "s"))</a>. \
            Check it offline with <code>tollgate audit --check findings.json --anchor root.pub</code>.</p>
            """
        guard !findings.isEmpty else {
            return "\(download)<p class=\"notice\">No findings: every log in the subtree keeps to its certificates, as of the last audit.</p>"
        }
        let index = findings.enumerated().map { offset, finding -> Markup in
            "<tr><th scope=\"row\"><a href=\"#finding-\(offset + 1)\">\(finding.kind.rawValue)</a></th><td>\(finding.nodeName)</td><td>\(TimeText.iso(finding.detectedAt))</td><td>\(finding.summary)</td></tr>"
        }
        let sections = findings.enumerated().map { offset, finding -> Markup in
            let evidence = finding.evidence.enumerated().map { item, evidence -> Markup in
                let preview = evidence.object.count > 48 ? String(evidence.object.prefix(48)) + "…" : evidence.object
                let chain: Markup = evidence.chain.map { "<br>with a chain of \($0.count) certificate\($0.count == 1 ? "" : "s")" } ?? ""
                return """
                    <tr><th scope="row">\(item + 1). \(evidence.role.rawValue)</th><td>\(evidence.node ?? "")</td><td>\(evidence.index.map { String($0) } ?? "")</td>\
                    <td><details><summary><code>\(preview)</code></summary><code>\(evidence.object)</code></details>\(chain)</td></tr>
                    """
            }
            return """
                <section id="finding-\(offset + 1)" aria-labelledby="finding-\(offset + 1)-title"><h2 id="finding-\(offset + 1)-title">\(offset + 1). \(finding.kind.rawValue) at \(finding.nodeName)</h2>
                <p>\(finding.summary)</p><dl><dt>Detected</dt><dd>\(TimeText.iso(finding.detectedAt, relativeTo: now))</dd><dt>Finding id</dt><dd><code>\(finding.id)</code></dd>\
                <dt>Evidence</dt><dd><a href="/console/findings/bundle.json" download="findings.json">in the evidence bundle</a></dd></dl>
                \(ConsolePage.table("Evidence of finding \(offset + 1)", head: ["Item", "Log of", "Index", "Signed object"], rows: evidence))</section>
                """
        }
        return """
            \(download)
            \(ConsolePage.table("\(findings.count) finding\(findings.count == 1 ? "" : "s")", head: ["Finding", "Node", "Detected", "Summary"], rows: index))
            \(sections)
            """
    }
}
