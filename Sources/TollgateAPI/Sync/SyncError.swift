import TollgateCrypto
import TollgateNode

/// Why a child's sync round with its parent failed. The round records the reason at the node (its
/// last sync failure), and the driver retries after a backoff.
public struct SyncError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The parent could not be reached or did not answer (the transport's failure: libcurl's,
        /// or the simulated network's timeout).
        public static let unreachable = Code("unreachable")
        /// The parent answered with a refusal (its problem type in `problem`).
        public static let refused = Code("refused")
        /// The parent's answer is not the message the protocol expects.
        public static let malformedAnswer = Code("malformed_answer")
        /// The parent refused this node's own log segment.
        public static let logRefused = Code("log_refused")
        /// This node could not take the answer or make its request (the node's error in `node`).
        public static let node = Code("node")
    }

    public var code: Code
    public var reason: String
    /// The HTTP status of a refusal or an unexpected answer.
    public var status: Int?
    /// The problem type URI of a refusal, e.g. `https://tollgate.dev/problems/unauthorized`.
    public var problem: String?
    /// The node's own refusal or failure, for `.node`.
    public var node: NodeError?
    /// For `.logRefused`, the id of the audit finding the parent recorded against this node's log
    /// (it holds proof that the node signed two different logs), when it recorded one.
    public var finding: String?
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, status: Int? = nil, problem: String? = nil, node: NodeError? = nil, finding: String? = nil,
                file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.status = status
        self.problem = problem
        self.node = node
        self.finding = finding
        location = ErrorLocation(file: file, line: line)
    }

    /// The node's own failure while taking part in a round.
    public init(_ error: NodeError, file: String = #fileID, line: UInt = #line) {
        self.init(.node, error.description, node: error, file: file, line: line)
    }
}
