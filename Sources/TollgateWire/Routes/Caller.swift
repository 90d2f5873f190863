/// Who may call an endpoint, and so what a request must carry to be served.
public enum Caller: String, Sendable, CaseIterable {
    /// Anyone, without credentials: health, metrics, the trust anchor, the log's checkpoint and proofs,
    /// a license's status.
    case anyone
    /// An end customer's machine: the body is its signed machine request, the signature the credential.
    case machine
    /// The node's operator: `Authorization: Bearer <token>` with the node directory's operator token.
    case `operator`
    /// A child node: the request is signed with its node key (``RequestSignature`` headers).
    case child
    /// A browser of the read-only web console: a session cookie from the console's login form (the
    /// operator token, posted once), checked by the console itself. Its login form and stylesheet
    /// need no session; the cookie is worth nothing on any other caller's route.
    case console
}
