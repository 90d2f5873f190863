import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateWire

/// Why a node refused or failed an operation, or why a finding's evidence does not prove it.
public struct NodeError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The request is malformed or incomplete.
        public static let invalidRequest = Code("invalid_request")
        /// The node holds no certificate that can serve the request.
        public static let noCertificate = Code("no_certificate")
        /// The serials asked for are already handed out.
        public static let serialsTaken = Code("serials_taken")
        /// Not enough free serials are left in the certificate.
        public static let quotaExhausted = Code("quota_exhausted")
        /// The result would break a rule of the certificate chain.
        public static let ruleViolation = Code("rule_violation")
        /// A certificate offered to the node does not verify or is not for this node.
        public static let certificateRejected = Code("certificate_rejected")
        /// A referenced object does not exist here.
        public static let notFound = Code("not_found")
        /// A machine request's signature does not match its key.
        public static let unauthorized = Code("unauthorized")
        /// A machine request was seen before, or is too old or too far in the future.
        public static let replayed = Code("replayed")
        /// Every seat of the license is in use.
        public static let seatsInUse = Code("seats_in_use")
        /// Every seat of a floating license is leased; ``NodeError/seatFreesAt`` says when the first frees.
        public static let noSeatFree = Code("no_seat_free")
        /// The lease named has ended (expired past the resurrection window, or released).
        public static let leaseExpired = Code("lease_expired")
        /// The machine asking is not the one holding the lease.
        public static let notLeaseHolder = Code("not_lease_holder")
        /// The license is expired, not yet valid or revoked.
        public static let licenseInvalid = Code("license_invalid")
        /// The node has not synced with its parent within its certificate's `sync_within`.
        public static let syncOverdue = Code("sync_overdue")
        /// A log segment does not extend what the receiver holds, or contradicts it.
        public static let logConflict = Code("log_conflict")
        /// The node's storage failed; nothing of the operation was kept.
        public static let storage = Code("storage")
        /// Usage records that do not extend the machine's logged chain (a gap, or a predecessor never logged).
        public static let usageOutOfSequence = Code("usage_out_of_sequence")
        /// A finding's evidence does not prove what the finding claims (``FindingCheck``).
        public static let findingUnproven = Code("finding_unproven")
        /// A license named in a customer transfer belongs to another customer than the one it moves from.
        public static let customerMismatch = Code("customer_mismatch")
        /// A webhook URL that is not `http`/`https`, or carries credentials or a fragment.
        public static let webhookURLInvalid = Code("webhook_url_invalid")
        /// An event type no webhook can subscribe to (``WebhookEventType``).
        public static let unknownEventType = Code("unknown_event_type")
        /// The node already has ``WebhookDesk/maxWebhooks`` webhooks.
        public static let tooManyWebhooks = Code("too_many_webhooks")
        /// An order id already recorded for other terms (or another kind of order).
        public static let orderConflict = Code("order_conflict")
        /// Some rows of a bulk issue or renewal are bad; ``NodeError/rows`` names each, and nothing was issued.
        public static let batchRefused = Code("batch_refused")
    }

    public var code: Code
    public var reason: String
    /// The verifier rule behind a `.ruleViolation` or `.certificateRejected`.
    public var rule: VerificationError.Rule?
    /// What the store ran into, for a `.storage` failure it could classify (a full disk, a read-only directory).
    public var storageCondition: StorageCondition?
    /// What the store reported for a `.storage` failure (SQLite's message and result code, the
    /// statement, the file): for the node's log only. Clients get ``reason``, a plain sentence, since
    /// the SQL and the store's path are the node's internals and mean nothing to a customer.
    public var storageDetail: String?
    /// For `.noSeatFree`: when the first leased seat frees (its lease's `exp`), Unix seconds.
    public var seatFreesAt: Int64?
    /// For `.batchRefused`: every bad row, in order.
    public var rows: [OrderRowError]?
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, rule: VerificationError.Rule? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.rule = rule
        location = ErrorLocation(file: file, line: line)
    }

    /// The `.storage` failure for `error`, raised while writing or reading the store at `databasePath`:
    /// a full disk and a read-only store are told apart in `storageCondition` and in a plain
    /// `reason`; what the store said (with its SQL) goes to `storageDetail`, for the node's log.
    /// Nothing of the operation was kept either way.
    public init(storing error: any Error, databasePath: String, file: String = #fileID, line: UInt = #line) {
        switch (error as? SQLiteError)?.code {
        case .diskFull?:
            self.init(.storage, "the node cannot write to its store: the disk is full, so nothing of this change was kept; reads are "
                      + "still served, and writes are taken again as soon as there is space", file: file, line: line)
            storageCondition = .full
        case .readOnly?:
            self.init(.storage, "the node cannot write to its store: it is read-only, so nothing of this change was kept; reads are "
                      + "still served, and writes are taken again once it is writable", file: file, line: line)
            storageCondition = .readOnly
        default:
            self.init(.storage, "the node's store failed, so nothing of this change was kept", file: file, line: line)
        }
        storageDetail = "\(error) (store \(databasePath))"
    }

    init(_ code: Code, _ error: VerificationError, file: String = #fileID, line: UInt = #line) {
        self.init(code, error.description, rule: error.rule, file: file, line: line)
    }
}
