import TollgateCertificates

extension APIBodies {
    public struct ReturnBody: Codable, Sendable {
        public var seats: SerialRange
        public var from: String?

        public init(seats: SerialRange, from: String?) {
            self.seats = seats
            self.from = from
        }
    }
}
