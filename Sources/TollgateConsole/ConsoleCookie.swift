import Foundation
import TollgateHTTPMessages

/// The console's two cookies, both `HttpOnly`, `SameSite=Strict` and scoped to `/console` (so the
/// browser never sends them to the API, which would ignore them anyway), `Secure` when the node
/// serves TLS: the session, and the login form's anti-CSRF nonce.
struct ConsoleCookie: Sendable {
    static let session = "tollgate_console"
    static let loginNonce = "tollgate_console_login"
    /// The login form's nonce is good for this long: time to type a token in.
    static let loginNonceLifetime: Int64 = 600

    let secure: Bool

    /// `Set-Cookie` for `name=value` living `maxAge` seconds (0: delete it now).
    func setCookie(_ name: String, _ value: String, maxAge: Int64) -> String {
        "\(name)=\(value); Path=/console; Max-Age=\(max(0, maxAge)); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The value of cookie `name` in the request's `Cookie` headers; nil when absent.
    static func value(_ name: String, in request: HTTPRequest) -> String? {
        for header in request.headers.values(for: "Cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }
}
