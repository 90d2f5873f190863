import TollgateCrypto

/// A failure in the log, its proofs or its checkpoints, naming what failed and why. SQLite's own
/// failures stay ``SQLiteError``, the C wrapper's error, which carries SQLite's result code.
public struct LedgerError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// An index, size or range lies outside the log.
        public static let outOfRange = Code("out_of_range")
        /// An inclusion or consistency proof does not prove what it claims.
        public static let invalidProof = Code("invalid_proof")
        /// The stored log is missing a hash it must hold, or holds one of the wrong length.
        public static let corruptLog = Code("corrupt_log")
        /// The database lacks the ledger's tables: apply `LedgerSchema.steps` first.
        public static let schemaMissing = Code("schema_missing")
        /// A note, checkpoint or key string is not in the required form.
        public static let malformed = Code("malformed")
        /// A key name is empty or holds a space or a plus sign.
        public static let invalidKeyName = Code("invalid_key_name")
        /// A signature from the expected key does not verify.
        public static let invalidSignature = Code("invalid_signature")
        /// The note carries no signature from the expected key.
        public static let missingSignature = Code("missing_signature")
        /// Signing would contradict a checkpoint this log signed before.
        public static let inconsistentCheckpoint = Code("inconsistent_checkpoint")
        /// The signing key refused to sign.
        public static let signingFailed = Code("signing_failed")
    }

    public var code: Code
    public var reason: String
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        location = ErrorLocation(file: file, line: line)
    }
}
