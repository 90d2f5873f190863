/// The agent's signed answer to an upload of usage records: the head of one machine's chain for
/// one license as the agent logged it, and where in its log the head record is. The machine keeps
/// it; shown to the vendor later, it proves what the agent received, so an agent that drops records
/// from its log is caught by the head missing at `log_index`.
public struct UsageReceipt: SignedPayload {
    public static let type = "tollgate-usage-receipt+jws"
    public static let noun = "usage receipt"

    /// Key id of the agent.
    public var iss: String
    /// Hash of the license (the lineage's first), as the records name it.
    public var license: String
    public var machineKey: String
    /// Sequence number of the head record.
    public var seq: UInt64
    /// Hash of the head record's compact JWS.
    public var head: String
    /// Position of the head record in the agent's log.
    public var logIndex: UInt64
    public var iat: Int64
    public var jti: String

    public init(iss: String, license: String, machineKey: String, seq: UInt64, head: String, logIndex: UInt64, iat: Int64, jti: String) {
        self.iss = iss
        self.license = license
        self.machineKey = machineKey
        self.seq = seq
        self.head = head
        self.logIndex = logIndex
        self.iat = iat
        self.jti = jti
    }

    enum CodingKeys: String, CodingKey {
        case iss, license, seq, head, iat, jti
        case machineKey = "machine_key"
        case logIndex = "log_index"
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(license, "license", object)
        try FieldFormat.nonEmpty(machineKey, "machine_key", object)
        try FieldFormat.nonEmpty(head, "head", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        guard seq >= 1 else { throw VerificationError(.invalidField, object, "seq starts at 1") }
        try FieldFormat.index(seq, "seq", object)
        try FieldFormat.index(logIndex, "log_index", object)
        try FieldFormat.time(iat, "iat", object)
    }
}

public typealias SignedUsageReceipt = Signed<UsageReceipt>
