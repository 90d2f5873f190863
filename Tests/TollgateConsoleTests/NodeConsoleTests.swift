import Foundation
import Testing
@testable import TollgateConsole
import TollgateHTTPMessages
import TollgateWire

/// The console's sessions and security headers, without a socket: login with the token in the body,
/// the cookie's attributes, the redirect without a session, expiry checked on the server, logout
/// ending the session, the anti-CSRF checks, and the same headers on every answer.
@Suite struct NodeConsoleTests {
    static let pages = ["/console", "/console/findings", "/console/activity", "/console/customer"]

    @Test func withoutASessionEveryPageRedirectsToTheLoginForm() throws {
        let fixture = try ConsoleFixture()
        for path in Self.pages + ["/console/findings/bundle.json"] {
            let response = fixture.send(.get, "\(path)")
            #expect(response.status.code == 303 && response.headers["Location"] == "/console/login", "\(path): \(response.status.code)")
            let forged = fixture.send(.get, path, cookies: [ConsoleCookie.session: "made-up"])
            #expect(forged.status.code == 303 && forged.headers["Location"] == "/console/login", "\(path) with a made-up cookie")
        }
        let form = fixture.send(.get, "/console/login")
        #expect(form.status.code == 200 && form.bodyText.contains(#"<input id="token" name="token" type="password""#))
        #expect(form.bodyText.contains(#"<label for="token">Operator token</label>"#))
        #expect(form.bodyText.contains(#"<form method="post" action="/console/login">"#), "the token is posted, never put in a URL")
    }

    @Test func theSessionCookieIsHttpOnlyStrictScopedAndSecureOnlyOverTLS() throws {
        for secure in [false, true] {
            let fixture = try ConsoleFixture(secure: secure)
            let form = fixture.send(.get, "/console/login")
            let nonce = try ConsoleFixture.cookie(ConsoleCookie.loginNonce, in: form)
            let answer = fixture.send(.post, "/console/login", cookies: [ConsoleCookie.loginNonce: nonce], form: ["token": ConsoleFixture.token, "csrf": nonce])
            #expect(answer.status.code == 303 && answer.headers["Location"] == "/console")
            let header = try #require(answer.headers.values(for: "Set-Cookie").first { $0.hasPrefix(ConsoleCookie.session + "=") })
            let attributes = Set(header.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            var expected: Set<String> = ["Path=/console", "Max-Age=\(NodeConsole.defaultSessionLifetime)", "HttpOnly", "SameSite=Strict"]
            if secure { expected.insert("Secure") }
            #expect(attributes == expected, "\(header)")
            let id = try ConsoleFixture.cookie(ConsoleCookie.session, in: answer)
            #expect(id.count == 43 && id != ConsoleFixture.token && !header.contains(ConsoleFixture.token))
        }
    }

    @Test func sessionIDsAreRandomAndEachLoginIsItsOwnSession() throws {
        let fixture = try ConsoleFixture()
        let ids = try (0..<8).map { _ in try fixture.logIn() }
        #expect(Set(ids).count == ids.count)
        #expect(fixture.console.openSessions == ids.count)
        for id in ids { #expect(fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id]).status.code == 200) }
    }

    @Test func aWrongTokenGivesTheFormAgainWithAClearMessageAnd401() throws {
        let fixture = try ConsoleFixture()
        let nonce = try ConsoleFixture.cookie(ConsoleCookie.loginNonce, in: fixture.send(.get, "/console/login"))
        for wrong in ["", "wrong", ConsoleFixture.token + "x", String(ConsoleFixture.token.dropLast())] {
            let answer = fixture.send(.post, "/console/login", cookies: [ConsoleCookie.loginNonce: nonce], form: ["token": wrong, "csrf": nonce])
            #expect(answer.status.code == 401, "\(wrong)")
            #expect(answer.bodyText.contains("That is not this node&#39;s operator token"))
            #expect(answer.bodyText.contains(#"aria-invalid="true""#) && answer.bodyText.contains(#"role="alert""#))
            #expect(!answer.headers.values(for: "Set-Cookie").contains { $0.hasPrefix(ConsoleCookie.session + "=") })
        }
        #expect(fixture.console.openSessions == 0)
    }

    @Test func aLoginWithoutTheFormsNonceIsRefusedEvenWithTheRightToken() throws {
        let fixture = try ConsoleFixture()
        let nonce = try ConsoleFixture.cookie(ConsoleCookie.loginNonce, in: fixture.send(.get, "/console/login"))
        let missingCookie = fixture.send(.post, "/console/login", form: ["token": ConsoleFixture.token, "csrf": nonce])
        let otherField = fixture.send(.post, "/console/login", cookies: [ConsoleCookie.loginNonce: nonce], form: ["token": ConsoleFixture.token, "csrf": "x" + nonce.dropFirst()])
        let noField = fixture.send(.post, "/console/login", cookies: [ConsoleCookie.loginNonce: nonce], form: ["token": ConsoleFixture.token])
        for answer in [missingCookie, otherField, noField] {
            #expect(answer.status.code == 403 && answer.bodyText.contains("was not sent by this console"))
        }
        #expect(fixture.console.openSessions == 0)
    }

    @Test func aSessionExpiresOnTheServerAfterItsFixedLifetime() throws {
        let fixture = try ConsoleFixture(sessionLifetime: 600)
        let id = try fixture.logIn()
        #expect(fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id], at: fixture.now + 599).status.code == 200)
        let expired = fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id], at: fixture.now + 600)
        #expect(expired.status.code == 303 && expired.headers["Location"] == "/console/login")
        #expect(expired.headers.values(for: "Set-Cookie").contains { $0.hasPrefix(ConsoleCookie.session + "=;") && $0.contains("Max-Age=0") })
        #expect(fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id], at: fixture.now).status.code == 303, "an expired session stays ended")
    }

    @Test func logoutEndsTheSessionOnTheServerAndChecksItsCSRFToken() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        let page = fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id])
        let csrf = try ConsoleFixture.csrf(in: page)
        let forged = fixture.send(.post, "/console/logout", cookies: [ConsoleCookie.session: id], form: ["csrf": "forged"])
        #expect(forged.status.code == 403)
        #expect(fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id]).status.code == 200, "a forged logout leaves the session")
        let out = fixture.send(.post, "/console/logout", cookies: [ConsoleCookie.session: id], form: ["csrf": csrf])
        #expect(out.status.code == 303 && out.headers["Location"] == "/console/login")
        #expect(out.headers.values(for: "Set-Cookie").contains { $0.hasPrefix(ConsoleCookie.session + "=;") && $0.contains("Max-Age=0") })
        let after = fixture.send(.get, "/console", cookies: [ConsoleCookie.session: id])
        #expect(after.status.code == 303 && after.headers["Location"] == "/console/login", "the old cookie is refused")
        #expect(fixture.console.openSessions == 0)
    }

    @Test func everyAnswerCarriesTheStrictSecurityHeaders() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        var answers = Self.pages.map { fixture.send(.get, $0, cookies: [ConsoleCookie.session: id]) }
        answers += [fixture.send(.get, "/console/customer", query: "name=nobody", cookies: [ConsoleCookie.session: id]),
                    fixture.send(.get, "/console/findings/bundle.json", cookies: [ConsoleCookie.session: id]),
                    fixture.send(.get, "/console/console.css"), fixture.send(.get, "/console/login"), fixture.send(.get, "/console"),
                    fixture.send(.post, "/console/login", form: ["token": "wrong"]),
                    fixture.send(.post, "/console/logout", cookies: [ConsoleCookie.session: id], form: ["csrf": "forged"])]
        for answer in answers {
            let policy = try #require(answer.headers["Content-Security-Policy"])
            let directives = Set(policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(directives.isSuperset(of: ["default-src 'none'", "style-src 'self'", "img-src 'self'", "frame-ancestors 'none'", "form-action 'self'"]))
            #expect(!policy.contains("unsafe") && !policy.contains("script-src"))
            #expect(answer.headers["X-Content-Type-Options"] == "nosniff")
            #expect(answer.headers["Referrer-Policy"] == "no-referrer")
            #expect(answer.headers["Cache-Control"] == "no-store")
        }
    }

    @Test func pagesHaveNoScriptNoInlineStyleAndNoThirdPartyAsset() throws {
        let fixture = try ConsoleFixture()
        let id = try fixture.logIn()
        for path in Self.pages + ["/console/login"] {
            let html = fixture.send(.get, path, cookies: path == "/console/login" ? [:] : [ConsoleCookie.session: id]).bodyText
            #expect(html.hasPrefix("<!doctype html>") && html.contains(#"<html lang="en">"#), "\(path)")
            #expect(!html.lowercased().contains("<script") && !html.contains("style=") && !html.contains("on" + "click"), "\(path)")
            #expect(!html.contains("http://") || html.contains("http://www.w3.org/2000/svg"), "\(path) links off the node")
            #expect(!html.contains("https://"), "\(path) links off the node")
            #expect(html.contains(##"<a class="skip" href="#main">"##) && html.contains(#"<main id="main""#), "\(path)")
            #expect(html.contains(#"<link rel="stylesheet" href="/console/console.css">"#), "\(path)")
        }
    }
}
