import Foundation
import TollgateAPI
import TollgateCrypto
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// The read-only web console of one node: its subtree (the whole channel at the root), rendered on
/// the server as HTML, sans-I/O: a request and the time in, a response out, so tests drive it
/// without a socket and `tollgate node serve` attaches it to the API's console routes.
///
/// Security, in one place:
/// - The login form posts the operator token in its body; a match opens a server-side session whose
///   random id (SecureRandom, 256 bits) goes in an `HttpOnly`, `SameSite=Strict`, `Path=/console`
///   cookie (`Secure` over TLS). Sessions live ``defaultSessionLifetime`` from login, checked here;
///   logout ends them here. No session: `303` to the login form.
/// - CSRF: every POST is checked against an anti-CSRF token, not the Origin header (the console
///   sends `Referrer-Policy: no-referrer`, under which browsers post `Origin: null`): logout against
///   the session's own token, login against the nonce of a short-lived cookie the form set
///   (double submit), which a cross-site form cannot read or send (`SameSite=Strict`).
/// - Every response carries ``ConsoleResponse/securityHeaders``; every value is escaped by
///   ``HTML/escape(_:)`` through ``Markup``.
public final class NodeConsole: Sendable {
    /// Half an hour: a session outlives a coffee, not a lunch.
    public static let defaultSessionLifetime: Int64 = 30 * 60
    /// The days the activity page draws (the `arr-history` report's default window is as long).
    public static let activityDays = 30

    let executor: NodeExecutor
    let token: OperatorToken
    let nodeName: String
    let sessions: ConsoleSessions
    let cookies: ConsoleCookie

    /// `secureCookies`: the node serves TLS, so cookies get `Secure`.
    public init(executor: NodeExecutor, token: OperatorToken, nodeName: String, secureCookies: Bool,
                sessionLifetime: Int64 = NodeConsole.defaultSessionLifetime) {
        self.executor = executor
        self.token = token
        self.nodeName = nodeName
        self.sessions = ConsoleSessions(lifetime: sessionLifetime)
        self.cookies = ConsoleCookie(secure: secureCookies)
    }

    /// Sessions alive now (expired ones are dropped as they are met or at the next login).
    public var openSessions: Int { sessions.count }

    /// Answers one console request (an endpoint whose caller is ``Caller/console``) at `now`.
    public func handle(_ endpoint: Endpoint, _ request: HTTPRequest, at now: Int64) -> HTTPResponse {
        let session = sessions.session(ConsoleCookie.value(ConsoleCookie.session, in: request), at: now)
        switch endpoint {
        case .consoleStylesheet:
            return ConsoleResponse.body(Array(ConsoleStylesheet.text.utf8), contentType: "text/css; charset=utf-8")
        case .consoleLoginForm:
            if session != nil { return ConsoleResponse.redirect(to: ConsolePage.Section.tree.rawValue) }
            return loginForm(message: nil, status: .ok)
        case .consoleLogin:
            return logIn(request, at: now)
        case .consoleLogout:
            return logOut(request, session: session)
        case .consoleHome: return page(.tree, request, session: session, at: now)
        case .consoleFindings: return page(.findings, request, session: session, at: now)
        case .consoleFindingsBundle: return page(.bundle, request, session: session, at: now)
        case .consoleActivity: return page(.activity, request, session: session, at: now)
        case .consoleCustomer: return page(.customer, request, session: session, at: now)
        case .consoleRefusals: return page(.refusals, request, session: session, at: now)
        default:
            // Another caller's endpoint: the API routes those itself, and the console serves none of them.
            let page = ConsolePage(nodeName: nodeName, title: "Not a console page", section: nil, csrf: nil)
            return ConsoleResponse.page(page.render("<p class=\"message\">\(endpoint.label) is not part of the console.</p>"), status: .notFound)
        }
    }

    /// What a signed-in browser can read.
    enum Reading {
        case tree, findings, bundle, activity, customer, refusals
    }

    private func loginForm(message: String?, status: HTTPStatus) -> HTTPResponse {
        let nonce: String
        do {
            nonce = Base64URL.encode(try SecureRandom.bytes(count: 32))
        } catch {
            return failure("the node could not draw random bytes for the login form: \(error)")
        }
        return ConsoleResponse.page(LoginPage.render(nodeName: nodeName, nonce: nonce, message: message), status: status,
                                    cookies: [cookies.setCookie(ConsoleCookie.loginNonce, nonce, maxAge: ConsoleCookie.loginNonceLifetime)])
    }

    private func logIn(_ request: HTTPRequest, at now: Int64) -> HTTPResponse {
        guard let form = FormBody(request) else {
            return loginForm(message: "The form was larger than a login form can be; type the token again.", status: .badRequest)
        }
        guard let nonce = ConsoleCookie.value(ConsoleCookie.loginNonce, in: request), let posted = form["csrf"],
              Self.constantTimeEqual(nonce, posted) else {
            return loginForm(message: "This login form has expired or was not sent by this console; type the token again.", status: .forbidden)
        }
        guard let presented = form["token"], token.accepts(token: presented.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return loginForm(message: "That is not this node's operator token. Copy it from the file operator.token in the node's directory.",
                             status: .unauthorized)
        }
        do {
            let session = try sessions.open(at: now)
            return ConsoleResponse.redirect(to: ConsolePage.Section.tree.rawValue, cookies: [
                cookies.setCookie(ConsoleCookie.session, session.id, maxAge: sessions.lifetime),
                cookies.setCookie(ConsoleCookie.loginNonce, "", maxAge: 0),
            ])
        } catch {
            return failure("the node could not draw random bytes for a session: \(error)")
        }
    }

    private func logOut(_ request: HTTPRequest, session: ConsoleSession?) -> HTTPResponse {
        let clear = cookies.setCookie(ConsoleCookie.session, "", maxAge: 0)
        guard let session else { return ConsoleResponse.redirect(to: "/console/login", cookies: [clear]) }
        guard let form = FormBody(request), let posted = form["csrf"], Self.constantTimeEqual(posted, session.csrf) else {
            let page = ConsolePage(nodeName: nodeName, title: "Not logged out", section: nil, csrf: session.csrf)
            return ConsoleResponse.page(page.render("<p class=\"message\">The logout form did not come from this console, so the session stays open. Use the Log out button above.</p>"),
                                        status: .forbidden)
        }
        sessions.close(session.id)
        return ConsoleResponse.redirect(to: "/console/login", cookies: [clear])
    }

    private func page(_ reading: Reading, _ request: HTTPRequest, session: ConsoleSession?, at now: Int64) -> HTTPResponse {
        guard let session else {
            // A stale or unknown cookie is cleared so the browser stops sending it.
            let clear = ConsoleCookie.value(ConsoleCookie.session, in: request) == nil ? [] : [cookies.setCookie(ConsoleCookie.session, "", maxAge: 0)]
            return ConsoleResponse.redirect(to: "/console/login", cookies: clear)
        }
        do {
            switch reading {
            case .tree:
                let (reports, activity) = try executor.perform { node throws(NodeError) in try node.reports(["quota", "freshness"], activityDays: 1, at: now) }
                return render(.tree, session, TreePage.render(quota: reports[0], freshness: reports[1], activity: activity ?? ChannelActivity(generatedAt: now), now: now))
            case .findings:
                let findings = try executor.perform { node throws(NodeError) in try node.findings() }
                return render(.findings, session, FindingsPage.render(findings, now: now))
            case .bundle:
                let findings = try executor.perform { node throws(NodeError) in try node.findings() }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                return ConsoleResponse.body(Array(try encoder.encode(findings)), contentType: "application/json",
                                            extra: [("Content-Disposition", "attachment; filename=\"findings.json\"")])
            case .activity:
                let days = Self.activityDays
                let (reports, activity) = try executor.perform { node throws(NodeError) in
                    try node.reports(["activations", "revenue", "recurring", "arr-history"], activityDays: days, at: now)
                }
                return render(.activity, session, ActivityPage.render(activity: activity ?? ChannelActivity(generatedAt: now), activations: reports[0],
                                                                      revenue: reports[1], recurring: reports[2], history: reports[3]))
            case .customer:
                return customer(request, session: session, at: now)
            case .refusals:
                let report = try executor.perform { node throws(NodeError) in try node.report("piracy", at: now) }
                return render(.refusals, session, RefusalsPage.render(report, now: now))
            }
        } catch let error as NodeError {
            return trouble(error, session)
        } catch {
            return render(nil, session, "<p class=\"message\">The page could not be made: \(String(describing: error))</p>", status: .internalServerError)
        }
    }

    /// The lookup form, then the history of the customer it names, or why there is none (404 when no
    /// license is for that name, with the nearest names).
    private func customer(_ request: HTTPRequest, session: ConsoleSession, at now: Int64) -> HTTPResponse {
        let name = request.queryValue("name")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !name.isEmpty else { return render(.customer, session, CustomerPage.render(name: nil, report: nil, problem: nil)) }
        let report: ChannelReport
        do {
            report = try executor.perform { node throws(NodeError) in try node.report("customer", query: ReportQuery(customer: name), at: now) }
        } catch {
            switch error.code {
            case .notFound, .invalidRequest:
                return render(.customer, session, CustomerPage.render(name: name, report: nil, problem: error.reason),
                              status: error.code == .notFound ? .notFound : .badRequest)
            default:
                return trouble(error, session)
            }
        }
        return render(.customer, session, CustomerPage.render(name: name, report: report, problem: nil))
    }

    private func trouble(_ error: NodeError, _ session: ConsoleSession) -> HTTPResponse {
        render(nil, session, "<p class=\"message\">The node could not read its view: \(error.reason)</p>",
               status: error.code == .storage ? .serviceUnavailable : .internalServerError)
    }

    private func render(_ section: ConsolePage.Section?, _ session: ConsoleSession, _ content: Markup, status: HTTPStatus = .ok) -> HTTPResponse {
        let page = ConsolePage(nodeName: nodeName, title: section?.title ?? "Something went wrong", section: section, csrf: session.csrf)
        return ConsoleResponse.page(page.render(content), status: status)
    }

    private func failure(_ reason: String) -> HTTPResponse {
        let page = ConsolePage(nodeName: nodeName, title: "Something went wrong", section: nil, csrf: nil)
        return ConsoleResponse.page(page.render("<p class=\"message\">\(reason)</p>"), status: .internalServerError)
    }

    /// Whether `a` and `b` are the same, in time independent of where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(left, right) { difference |= x ^ y }
        return difference == 0
    }
}
