extension APIBodies {
    /// What `POST /v1/customers/transfers` moves: the licenses `licenses` names (ids or unique
    /// prefixes) from customer `from` to customer `to`; with no licenses, every license `from` holds
    /// in the node's subtree (a merge).
    public struct TransferBody: Codable, Sendable {
        public var from: String
        public var to: String
        public var licenses: [String]?

        public init(from: String, to: String, licenses: [String]?) {
            self.from = from
            self.to = to
            self.licenses = licenses
        }
    }
}
