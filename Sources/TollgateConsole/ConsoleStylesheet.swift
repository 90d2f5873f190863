/// The console's one stylesheet, served by the node at `/console/console.css` (the policy allows no
/// other): readable at 360 px, wide tables scroll in their own keyboard-focusable region, focus
/// always visible, and stale status marked in words and weight, colour only as an extra.
enum ConsoleStylesheet {
    static let text = """
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#0b0c0c;background:#fff}
        a{color:#1d4f91}a:focus,button:focus,input:focus,summary:focus,[tabindex]:focus{outline:3px solid #fd0;outline-offset:0;background:#fd0;color:#0b0c0c}
        .skip{position:absolute;left:-9999px}.skip:focus{position:static;display:block;padding:.5rem}
        header{background:#0b0c0c;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
        header a{color:#fff}.brand{margin:0;font-weight:700}
        nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
        nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
        main{padding:1rem;max-width:80rem}
        h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
        .table-wrap{overflow-x:auto;max-width:100%;margin-bottom:1rem}
        table{border-collapse:collapse;min-width:100%}
        th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
        td.number,th.number{text-align:right;font-variant-numeric:tabular-nums}
        caption{text-align:left;font-weight:700;padding:.25rem 0}
        .depth-1{padding-left:1.4rem}.depth-2{padding-left:2.4rem}.depth-3{padding-left:3.4rem}.depth-4{padding-left:4.4rem}.depth-5{padding-left:5.4rem}
        .stale,.error{font-weight:700;color:#d4351c}.due{font-weight:700}
        .message{border-left:5px solid #d4351c;padding:.5rem 1rem;margin:1rem 0}
        .notice{border-left:5px solid #1d70b8;padding:.5rem 1rem;margin:1rem 0}
        label{display:block;font-weight:700;margin:.5rem 0 .25rem}
        input[type=password],input[type=search]{font:inherit;padding:.4rem;border:2px solid #0b0c0c;width:100%;max-width:30rem}
        button{font:inherit;padding:.4rem 1rem;margin:.5rem 0;border:2px solid #0b0c0c;background:#00703c;color:#fff;cursor:pointer}
        header button{background:#fff;color:#0b0c0c;margin:0}
        .logout{margin-left:auto}
        code{font-family:ui-monospace,monospace;word-break:break-all}
        details{margin:.25rem 0}
        svg.chart{display:block;width:100%;max-width:48rem;height:auto}
        svg.chart .bar{fill:#1d70b8}svg.chart .axis{stroke:#0b0c0c}svg.chart text{font-size:11px;fill:#0b0c0c}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:700}dd{margin:0}
        """
}
