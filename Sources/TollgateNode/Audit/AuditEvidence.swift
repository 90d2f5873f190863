import TollgateCertificates

/// One item of a finding's evidence: a signed object, a checkpoint or a log entry, with what a third
/// party needs to check it (the certificate chain behind an object, an entry's inclusion proof).
public struct AuditEvidence: Codable, Hashable, Sendable {
    /// What this item is; the checker reads items by role.
    public struct Role: StringCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        public static let license = Role("license")
        public static let certificate = Role("certificate")
        public static let activation = Role("activation")
        public static let deactivation = Role("deactivation")
        public static let revocation = Role("revocation")
        public static let quotaReturn = Role("quota_return")
        /// A machine-signed usage record (`tollgate-usage+jws`).
        public static let usageRecord = Role("usage_record")
        /// An agent-signed usage receipt (`tollgate-usage-receipt+jws`).
        public static let usageReceipt = Role("usage_receipt")
        /// A lease of a floating seat (`tollgate-lease+jws`).
        public static let lease = Role("lease")
        /// A customer transfer (`tollgate-transfer+jws`).
        public static let customerTransfer = Role("customer_transfer")
        /// A checkpoint (signed note) of the named node's log.
        public static let checkpoint = Role("checkpoint")
        /// A log entry (base64url bytes) at `index`, with an inclusion proof against the checkpoint before it.
        public static let entry = Role("entry")
        /// A `checkpoint-witnessed` entry of an ancestor's log.
        public static let witness = Role("witness")
        /// The root (base64url) a checkpoint's tree has at `index` entries, with the consistency
        /// proof from that size to the checkpoint's in `proof`: what shows that two checkpoints of
        /// one node sign different logs when the entries they differ in were never seen.
        public static let consistency = Role("consistency")
    }

    public var role: Role
    /// A compact JWS, a signed note, or base64url entry bytes.
    public var object: String
    /// The certificate chain (root first) behind a signed object.
    public var chain: [String]?
    /// Key id of the node whose log a checkpoint or entry belongs to.
    public var node: String?
    public var index: UInt64?
    /// base64url hashes of an entry's inclusion proof.
    public var proof: [String]?

    public init(role: Role, object: String, chain: [String]? = nil, node: String? = nil, index: UInt64? = nil, proof: [String]? = nil) {
        self.role = role
        self.object = object
        self.chain = chain
        self.node = node
        self.index = index
        self.proof = proof
    }
}
