/// `usage.json`: the machine's usage chains, one per license it recorded use of, each with the
/// records in sequence order and the latest receipt the agent signed for it. A restored snapshot of
/// the wallet restores an older chain, and recording again from it forks the chain; the records
/// already sent are signed proof of that.
struct UsageChainFile: Codable, Hashable, Sendable {
    static let format = "tollgate-usage-chains/1"

    struct Chain: Codable, Hashable, Sendable {
        /// Hash of the license the chain is for (as the activation names it).
        var license: String
        /// Hash of the activation the first record names.
        var activation: String
        /// Compact JWS usage records, sequence 1 first.
        var records: [String]
        /// The latest usage receipt installed for this chain.
        var receipt: String?
    }

    var format: String
    var chains: [Chain]

    init(chains: [Chain] = []) {
        self.format = Self.format
        self.chains = chains
    }
}
