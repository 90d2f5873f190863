extension APIBodies {
    public struct ProofBody: Codable, Sendable {
        public var proof: [String]

        public init(proof: [String]) {
            self.proof = proof
        }
    }
}
