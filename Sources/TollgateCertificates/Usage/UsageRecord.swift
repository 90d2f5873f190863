/// One use of a metered feature, signed by the machine's own key: a link of the hash chain the
/// machine keeps per license. Each record names the hash of the one before it (the first names the
/// machine's activation), so a machine restored from an old snapshot that records again forks its
/// own chain: two records after one predecessor, both signed by it, prove the rollback.
public struct UsageRecord: SignedPayload {
    public static let type = "tollgate-usage+jws"
    public static let noun = "usage record"

    /// Hash of the license, as the machine's activation names it (the lineage's first license).
    public var license: String
    /// The machine's raw Ed25519 public key, base64url; the JWS `kid` is its thumbprint.
    public var machineKey: String
    /// 1 for the first record of the chain, one more for each record after it.
    public var seq: UInt64
    /// Hash of the previous record's compact JWS; for the first record, of the machine's activation.
    public var prev: String
    /// The calendar month (UTC) of `iat`, `2026-12`.
    public var period: String
    public var feature: String
    /// Units used, at least 1.
    public var units: Int64
    public var iat: Int64

    public init(license: String, machineKey: String, seq: UInt64, prev: String, feature: String, units: Int64, iat: Int64) {
        self.license = license
        self.machineKey = machineKey
        self.seq = seq
        self.prev = prev
        self.period = MonthPeriod.of(iat)
        self.feature = feature
        self.units = units
        self.iat = iat
    }

    enum CodingKeys: String, CodingKey {
        case license, seq, prev, period, feature, units, iat
        case machineKey = "machine_key"
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(license, "license", object)
        try FieldFormat.nonEmpty(machineKey, "machine_key", object)
        try FieldFormat.nonEmpty(prev, "prev", object)
        try FieldFormat.nonEmpty(feature, "feature", object)
        guard seq >= 1 else { throw VerificationError(.invalidField, object, "seq starts at 1") }
        try FieldFormat.index(seq, "seq", object)
        guard units >= 1, units <= ObjectLimits.maxAmount else {
            throw VerificationError(.invalidField, object, "units \(units) is outside 1 to \(ObjectLimits.maxAmount)")
        }
        try FieldFormat.time(iat, "iat", object)
        guard period == MonthPeriod.of(iat) else {
            throw VerificationError(.invalidField, object, "period \(period.prefix(40)) is not the month of iat \(TimeText.iso(iat))")
        }
    }
}

public typealias SignedUsageRecord = Signed<UsageRecord>
