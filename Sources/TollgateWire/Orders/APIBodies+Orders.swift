extension APIBodies {
    /// `POST /v1/licenses/batch`: sales, each with its order id, issued all or none.
    public struct OrdersBody: Codable, Sendable, Hashable {
        public var orders: [LicenseRequest]

        public init(orders: [LicenseRequest]) { self.orders = orders }

        /// The most rows one bulk call takes (issues or renewals); the command line cuts a file into calls of this size.
        public static let maxRows = 500
    }

    /// `POST /v1/renewals/batch`: renewals, each with its order id, made all or none.
    public struct RenewalOrdersBody: Codable, Sendable, Hashable {
        public var renewals: [RenewalRequest]

        public init(renewals: [RenewalRequest]) { self.renewals = renewals }
    }

    /// The answer to a bulk issue or renewal: one outcome per row, in order.
    public struct OrderResultsBody: Codable, Sendable, Hashable {
        public var results: [OrderOutcome]

        public init(results: [OrderOutcome]) { self.results = results }
    }

    /// The problem (`batch-refused`, 422) answering a bulk call with bad rows: nothing was issued,
    /// and `errors` names every bad row.
    public struct BatchRefusalBody: Codable, Sendable, Hashable {
        public var type: String
        public var title: String
        public var status: Int
        public var detail: String
        public var errors: [OrderRowError]

        public init(type: String, title: String, status: Int, detail: String, errors: [OrderRowError]) {
            self.type = type
            self.title = title
            self.status = status
            self.detail = detail
            self.errors = errors
        }
    }
}
