import TollgateCertificates

extension APIBodies {
    /// One lease a node signed, as `GET /v1/leases` lists it.
    public struct LeaseSummary: Codable, Hashable, Sendable {
        public var hash: String
        /// The license lineage (hash of the first license).
        public var license: String
        public var serial: UInt64
        public var machineKey: String
        public var kind: String
        public var nbf: Int64
        public var exp: Int64
        /// When it was released or replaced by a heartbeat, if before `exp`.
        public var endedAt: Int64?
        public var lease: String

        public init(_ lease: SignedLease, endedAt: Int64?) {
            hash = lease.hash
            license = lease.payload.license
            serial = lease.payload.serial
            machineKey = lease.payload.machineKey
            kind = lease.payload.kind.rawValue
            nbf = lease.payload.nbf
            exp = lease.payload.exp
            self.endedAt = endedAt
            self.lease = lease.compact
        }

        enum CodingKeys: String, CodingKey {
            case hash, license, serial, kind, nbf, exp, lease
            case machineKey = "machine_key"
            case endedAt = "ended_at"
        }
    }
}
