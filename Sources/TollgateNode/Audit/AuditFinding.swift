import Foundation
import TollgateCertificates
import TollgateCrypto

/// One piece of channel arbitrage (or a broken rule) found by an audit, with the signed objects that
/// prove it. Stored once: its id is derived from its kind and evidence.
public struct AuditFinding: Codable, Hashable, Sendable {
    /// What was found; new kinds may be added.
    public struct Kind: StringCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// Two signed objects from one issuer claim the same serial.
        public static let duplicateSerial = Kind("duplicate_serial")
        /// An object's serials leave its certificate's range.
        public static let rangeEscape = Kind("range_escape")
        /// Sold outside the certificate's countries, or a territory wider than them.
        public static let countryEscape = Kind("country_escape")
        /// A product, feature or model the certificate does not carry.
        public static let entitlementEscape = Kind("entitlement_escape")
        /// Activated outside the license's territory.
        public static let crossRegionActivation = Kind("cross_region_activation")
        public static let belowPriceFloor = Kind("below_price_floor")
        public static let issuedOutsideWindow = Kind("issued_outside_window")
        public static let issuedAfterRevocation = Kind("issued_after_revocation")
        /// An activation or renewal of a revoked license, logged after the revocation reached the
        /// node and dated from its effective time on (or before the revocation was signed).
        public static let usedAfterLicenseRevocation = Kind("used_after_license_revocation")
        /// An entry reached the parent more than `sync_within` after its `iat`.
        public static let lateSync = Kind("late_sync")
        /// An entry dated before a checkpoint that did not contain it was witnessed.
        public static let backdating = Kind("backdating")
        public static let logEquivocation = Kind("log_equivocation")
        /// A license or activation that is not in its issuer's log where it says it is.
        public static let hiddenIssuance = Kind("hidden_issuance")
        /// More than one machine on a serial at the same time.
        public static let overActivation = Kind("over_activation")
        /// Serials used after the node returned them.
        public static let quotaUsedAfterReturn = Kind("quota_used_after_return")
        /// Activated by a node that is neither the license's issuer nor an ancestor.
        public static let unauthorizedActivation = Kind("unauthorized_activation")
        /// Emergency activations longer, or more of them per license and period, than the
        /// certificate's emergency limits allow.
        public static let emergencyOveruse = Kind("emergency_overuse")
        /// An upgrade priced below the feature floors of the features it adds to the license it supersedes.
        public static let upgradeBelowFloor = Kind("upgrade_below_floor")
        /// More trials for one customer and product from one issuer than its certificate's `trials.per_customer`.
        public static let trialsBeyondCount = Kind("trials_beyond_count")
        /// An upgrade, add-on or conversion signed by neither the issuer of the license it follows nor an ancestor.
        public static let unauthorizedChange = Kind("unauthorized_change")
        /// A customer transfer of a license signed by neither the license's issuer nor an ancestor.
        public static let unauthorizedTransfer = Kind("unauthorized_transfer")
        /// An upgrade, add-on or conversion for another customer, serials or product than the license
        /// it follows, or of the wrong kind of license (a conversion of a paid license).
        public static let lineageMismatch = Kind("lineage_mismatch")
        /// Two leases of one serial of a floating license, for different machines, overlapping in time.
        public static let leaseOversubscribed = Kind("lease_oversubscribed")
        /// No sync within `sync_within`.
        public static let staleNode = Kind("stale_node")
        /// An entry the node signed and logged that breaks the object limits every parser enforces
        /// (too large, a field out of range): kept and reported, never fatal to sync or reports.
        public static let invalidObject = Kind("invalid_object")
        /// Two usage records of one machine's chain after one predecessor: the machine was rolled
        /// back (a restored snapshot) and recorded again. Names the machine (its key's thumbprint).
        public static let usageFork = Kind("usage_fork")
        /// A usage record logged without the record before it in the same log: records dropped.
        public static let usageGap = Kind("usage_gap")
        /// A machine's records in one period and feature add up past the allowance of a license
        /// whose overage rule refuses that (or past the `allow` ceiling). Names the machine.
        public static let usageBeyondAllowance = Kind("usage_beyond_allowance")
        /// A usage receipt the agent signed names a head record that is not in its log where the
        /// receipt says: records received and not logged.
        public static let unloggedUsage = Kind("unlogged_usage")
    }

    public var id: String
    public var kind: Kind
    /// Key id of the node the finding names.
    public var node: String
    public var nodeName: String
    public var summary: String
    public var evidence: [AuditEvidence]
    public var detectedAt: Int64

    public init(kind: Kind, node: String, nodeName: String, summary: String, evidence: [AuditEvidence], detectedAt: Int64,
                identity: [String]? = nil) {
        self.kind = kind
        self.node = node
        self.nodeName = nodeName
        self.summary = summary
        self.evidence = evidence
        self.detectedAt = detectedAt
        let key = ([kind.rawValue, node] + (identity ?? evidence.map(\.object).sorted())).joined(separator: "\n")
        self.id = Base64URL.encode(SHA256Digest.hash(Array(key.utf8)))
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, node, summary, evidence
        case nodeName = "node_name"
        case detectedAt = "detected_at"
    }
}

extension AuditFinding {
    /// The bytes of a `finding-recorded` log entry: the finding as JSON, keys sorted.
    public func logEntry() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    /// Reads a `finding-recorded` entry; the id is derived again from the finding's content.
    /// It comes from a descendant's log: strict JSON, and a time inside ``ObjectLimits``.
    public init(logEntry bytes: [UInt8]) throws {
        try StrictJSON.check(bytes, object: "reported finding")
        let decoded = try JSONDecoder().decode(AuditFinding.self, from: Data(bytes))
        guard decoded.detectedAt >= ObjectLimits.earliestTime, decoded.detectedAt <= ObjectLimits.latestTime else {
            throw NodeError(.invalidRequest, "a reported finding's detected_at \(decoded.detectedAt) is out of range")
        }
        self.init(kind: decoded.kind, node: decoded.node, nodeName: decoded.nodeName, summary: decoded.summary,
                  evidence: decoded.evidence, detectedAt: decoded.detectedAt)
    }
}
