extension APIBodies {
    public struct ChainBody: Codable, Sendable {
        public var chain: [String]
        public init(chain: [String]) { self.chain = chain }
    }
}
