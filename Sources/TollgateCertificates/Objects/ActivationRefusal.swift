/// A node's signed record that it refused a machine's attempt to take a seat: an activation (or
/// emergency, or site binding) or a lease of a floating seat. Refusals leave nothing else behind,
/// so this record is what lets the vendor's root see piracy attempts (over-activation, a forged
/// or foreign license, activation abroad) in the logs that sync up the tree. A node logs a bounded
/// number per hour; past it, one record per hour carries the suppressed counts per code instead
/// (`code` is then ``summaryCode`` and `suppressed` lists them).
public struct ActivationRefusal: SignedPayload {
    public static let type = "tollgate-activation-refusal+jws"
    public static let noun = "activation refusal"
    /// The `code` of an hour's summary of the refusals not logged one by one.
    public static let summaryCode = "suppressed"

    /// What the machine attempted.
    public enum Attempt: String, Codable, Hashable, Sendable, CaseIterable {
        /// An activation, emergency activation or site binding (`POST /v1/activations`, an answered request file).
        case activation
        /// A lease, heartbeat or borrow of a floating seat (`POST /v1/leases`).
        case lease
    }

    /// How many refusals of one attempt and code an hour's summary left out.
    public struct Suppressed: Codable, Hashable, Sendable {
        public var attempt: Attempt
        public var code: String
        public var count: UInt64

        public init(attempt: Attempt, code: String, count: UInt64) {
            self.attempt = attempt
            self.code = code
            self.count = count
        }
    }

    /// Key id of the node that refused.
    public var iss: String
    public var attempt: Attempt
    /// The failing rule's code (`seats_in_use`, `activation_outside_territory`, `not_found` for a
    /// license this node never issued, `revoked`, `expired`, …), or ``summaryCode``.
    public var code: String
    /// Hash of the license the request names, and its lineage's first serial and customer, when
    /// the node holds that license.
    public var license: String?
    public var serial: UInt64?
    public var customer: String?
    /// Thumbprint of the machine key, when the request was signed by the key it names.
    public var machine: String?
    public var country: String?
    public var platform: String?
    public var iat: Int64
    public var jti: String
    /// For a summary: the start of the hour it covers, and what it left out.
    public var hour: Int64?
    public var suppressed: [Suppressed]?

    public init(iss: String, attempt: Attempt, code: String, license: String? = nil, serial: UInt64? = nil, customer: String? = nil,
                machine: String? = nil, country: String? = nil, platform: String? = nil, iat: Int64, jti: String,
                hour: Int64? = nil, suppressed: [Suppressed]? = nil) {
        self.iss = iss
        self.attempt = attempt
        self.code = code
        self.license = license
        self.serial = serial
        self.customer = customer
        self.machine = machine
        self.country = country
        self.platform = platform
        self.iat = iat
        self.jti = jti
        self.hour = hour
        self.suppressed = suppressed
    }

    /// The refusals this record stands for: one, or a summary's suppressed count.
    public var count: UInt64 {
        guard let suppressed else { return 1 }
        return suppressed.reduce(UInt64(0)) { $0 &+ $1.count }
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(code, "code", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        try FieldFormat.time(iat, "iat", object)
        for (field, value) in [("license", license), ("customer", customer), ("machine", machine), ("platform", platform)] {
            if let value { try FieldFormat.nonEmpty(value, field, object) }
        }
        if let country { try FieldFormat.country(country, "country", object) }
        if let serial { try FieldFormat.index(serial, "serial", object) }
        if let hour { try FieldFormat.time(hour, "hour", object) }
        guard (code == Self.summaryCode) == (suppressed != nil), (code == Self.summaryCode) == (hour != nil) else {
            throw VerificationError(.invalidField, object, "a summary (code '\(Self.summaryCode)') and only a summary carries 'hour' and 'suppressed'")
        }
        if let suppressed {
            guard !suppressed.isEmpty, suppressed.count <= ObjectLimits.maxListCount else {
                throw VerificationError(.invalidField, object, "suppressed must list 1 to \(ObjectLimits.maxListCount) codes")
            }
            for entry in suppressed {
                try FieldFormat.nonEmpty(entry.code, "suppressed code", object)
                try FieldFormat.index(entry.count, "suppressed count", object)
            }
        }
    }
}
