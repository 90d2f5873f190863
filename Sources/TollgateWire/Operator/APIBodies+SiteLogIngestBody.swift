extension APIBodies {
    /// What `POST /v1/site/logs` answers: how many of the site's entries were new here.
    public struct SiteLogIngestBody: Codable, Hashable, Sendable {
        public var taken: Int

        public init(taken: Int) {
            self.taken = taken
        }
    }
}
