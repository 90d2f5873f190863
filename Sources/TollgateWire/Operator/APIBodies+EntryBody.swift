extension APIBodies {
    public struct EntryBody: Codable, Sendable {
        public var index: UInt64
        public var kind: String
        public var bytes: String
        public var appendedAt: Int64

        public init(index: UInt64, kind: String, bytes: String, appendedAt: Int64) {
            self.index = index
            self.kind = kind
            self.bytes = bytes
            self.appendedAt = appendedAt
        }

        enum CodingKeys: String, CodingKey {
            case index, kind, bytes
            case appendedAt = "appended_at"
        }
    }
}
