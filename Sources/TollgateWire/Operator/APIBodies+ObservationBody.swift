extension APIBodies {
    public struct ObservationBody: Codable, Sendable {
        public var recorded: Bool

        public init(recorded: Bool) {
            self.recorded = recorded
        }
    }
}
