/// The RFC 9457 `type` URIs the node answers with, as the API documents them.
enum ProblemType {
    static let base = "https://tollgate.dev/problems/"

    /// A problem type by its slug, e.g. `operator-token-required`.
    static func named(_ slug: String) -> String { base + slug }

    /// The problem type of a certificate or verifier rule, e.g. `price_below_floor`.
    static func rule(_ rule: String) -> String { base + "rule/" + rule }
}
