/// The login form: the operator token in a password field, posted in the body (never in a URL),
/// with the anti-CSRF nonce its cookie is checked against.
enum LoginPage {
    static func render(nodeName: String, nonce: String, message: String?) -> Markup {
        let error: Markup = message.map { "<div class=\"message\" role=\"alert\"><h2>There is a problem</h2><p id=\"token-error\" class=\"error\">\($0)</p></div>" } ?? ""
        let described: Markup = message == nil ? "" : " aria-describedby=\"token-error\" aria-invalid=\"true\""
        return ConsolePage(nodeName: nodeName, title: "Log in", section: nil, csrf: nil).render("""
            \(error)<p>The console is read-only. Log in with this node's operator token (the file <code>operator.token</code> in its directory).</p>
            <form method="post" action="/console/login"><input type="hidden" name="csrf" value="\(nonce)">
            <label for="token">Operator token</label><input id="token" name="token" type="password" autocomplete="current-password" required\(described)>
            <button type="submit">Log in</button></form>
            """)
    }
}
