import TollgateCertificates
import TollgateCrypto

/// Why the client library could not do what was asked: a stable code, a reason for people, and the
/// verifier's verdict or the node's refusal when one of those is the cause.
public struct ClientError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// Neither `/etc/machine-id` nor `/var/lib/dbus/machine-id` holds a machine id.
        public static let machineIDMissing = Code("machine_id_missing")
        /// The directory is not a machine wallet (run `tollgate machine init`).
        public static let walletMissing = Code("wallet_missing")
        /// The directory already is a wallet for another vendor or product.
        public static let walletConflict = Code("wallet_conflict")
        /// A wallet file could not be read or written.
        public static let fileAccess = Code("file_access")
        /// A wallet file, response or request is not in the expected form.
        public static let malformed = Code("malformed")
        /// The command line or call asked for something that cannot work (e.g. deactivate without an activation).
        public static let invalidArgument = Code("invalid_argument")
        /// The license, activation or deactivation did not verify; `verification` names the rule.
        public static let verificationFailed = Code("verification_failed")
        /// The receipt is for a product this wallet was not set up for.
        public static let productMismatch = Code("product_mismatch")
        /// The receipt does not belong to this machine or to the activation it is meant to end.
        public static let receiptMismatch = Code("receipt_mismatch")
        /// This machine holds an activation of another license; it has to be given back first.
        public static let activationHeld = Code("activation_held")
        /// The license offered is older than the installed license of its lineage, which supersedes
        /// or renews it: installing it would bring back what the newer one changed.
        public static let supersededLicense = Code("superseded_license")
        /// No license, or no activation, is installed.
        public static let notActivated = Code("not_activated")
        /// The node refused the request; `refusal` holds its RFC 9457 problem.
        public static let refused = Code("refused")
        /// The node could not be reached or the connection failed.
        public static let transport = Code("transport")
        /// The node answered something that is neither the expected body nor a problem.
        public static let unexpectedResponse = Code("unexpected_response")
        /// Signing or key handling failed.
        public static let crypto = Code("crypto")
    }

    public var code: Code
    public var reason: String
    /// For `.verificationFailed`: the rule that failed and the object that broke it.
    public var verification: VerificationError?
    /// For `.refused`: the node's problem details.
    public var refusal: NodeRefusal?
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, verification: VerificationError? = nil, refusal: NodeRefusal? = nil,
                file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.verification = verification
        self.refusal = refusal
        location = ErrorLocation(file: file, line: line)
    }

    /// A verification failure, with the verifier's rule in the message.
    public init(_ verification: VerificationError, while action: String, file: String = #fileID, line: UInt = #line) {
        self.init(.verificationFailed, "\(action): \(verification)", verification: verification, file: file, line: line)
    }
}
