/// One logged-in browser: the secret its cookie carries, the anti-CSRF token its forms carry, and
/// when it ends. Held only in the node's memory (``ConsoleSessions``): a restart logs everyone out.
struct ConsoleSession: Sendable, Hashable {
    /// The cookie's value: 256 random bits, base64url.
    var id: String
    /// The hidden field of the session's POST forms (logout): 256 random bits, base64url.
    var csrf: String
    var createdAt: Int64
    /// The session is refused from this time on, whatever the browser keeps.
    var expiresAt: Int64
}
