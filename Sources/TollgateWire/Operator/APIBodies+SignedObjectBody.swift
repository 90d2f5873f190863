extension APIBodies {
    public struct SignedObjectBody: Codable, Sendable {
        public var object: String

        public init(object: String) {
            self.object = object
        }
    }
}
