import TollgateHTTPMessages

/// The console's answers, every one with the same security headers: a Content-Security-Policy that
/// allows the node's own stylesheet and images and nothing else (no script at all, no framing, forms
/// only to the node), no MIME sniffing, no referrer, and no caching of pages that show the channel.
enum ConsoleResponse {
    static let contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

    static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("X-Frame-Options", "DENY"),
    ]

    static func page(_ markup: Markup, status: HTTPStatus = .ok, cookies: [String] = []) -> HTTPResponse {
        body(Array(markup.html.utf8), contentType: "text/html; charset=utf-8", status: status, cookies: cookies)
    }

    /// `303 See Other` to `location` (a path on this node).
    static func redirect(to location: String, cookies: [String] = []) -> HTTPResponse {
        var response = body(Array("See \(location)\n".utf8), contentType: "text/plain; charset=utf-8", status: HTTPStatus(303, reasonPhrase: "See Other"),
                            cookies: cookies)
        response.headers.add(name: "Location", value: location)
        return response
    }

    static func body(_ bytes: [UInt8], contentType: String, status: HTTPStatus = .ok, cookies: [String] = [],
                     extra: [(name: String, value: String)] = []) -> HTTPResponse {
        var headers = HTTPHeaders(securityHeaders + extra)
        headers.add(name: "Content-Type", value: contentType)
        for cookie in cookies { headers.add(name: "Set-Cookie", value: cookie) }
        return HTTPResponse(status: status, headers: headers, body: bytes)
    }
}
