import TollgateHTTPMessages
/// Why the server itself refused a request, answered as `application/problem+json` before any handler runs.
public struct HTTPRejection: Error, Hashable, CustomStringConvertible {
    /// A rejection rule: a stable slug (the last segment of the problem `type` URI), its status and title.
    public struct Reason: Hashable, CustomStringConvertible {
        public let rawValue: String
        public let status: HTTPStatus
        public let title: String

        public init(_ rawValue: String, status: HTTPStatus, title: String) {
            self.rawValue = rawValue
            self.status = status
            self.title = title
        }

        /// The stable problem `type` URI for this rule.
        public var typeURI: String { HTTPRejection.problemTypeBase + rawValue }
        public var description: String { rawValue }

        public static func == (lhs: Reason, rhs: Reason) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

        public static let malformedRequest = Reason("malformed-request", status: .badRequest, title: "Malformed request")
        public static let missingHost = Reason("missing-host", status: .badRequest, title: "Host header missing or repeated")
        public static let conflictingFraming = Reason("conflicting-framing", status: .badRequest,
                                                      title: "Content-Length together with Transfer-Encoding")
        public static let invalidContentLength = Reason("invalid-content-length", status: .badRequest, title: "Invalid Content-Length")
        public static let lengthRequired = Reason("length-required", status: .lengthRequired,
                                                  title: "Request bodies need a Content-Length")
        public static let headTooLarge = Reason("head-too-large", status: .requestHeaderFieldsTooLarge, title: "Request head too large")
        public static let bodyTooLarge = Reason("body-too-large", status: .contentTooLarge, title: "Request body too large")
        public static let headTimeout = Reason("head-timeout", status: .requestTimeout, title: "Request head not received in time")
        public static let bodyTimeout = Reason("body-timeout", status: .requestTimeout, title: "Request body not received in time")
        public static let expectationFailed = Reason("expectation-failed", status: .expectationFailed, title: "Unsupported expectation")
        public static let versionNotSupported = Reason("version-not-supported", status: .httpVersionNotSupported,
                                                       title: "HTTP version not supported")
        public static let connectionLimit = Reason("connection-limit", status: .serviceUnavailable, title: "Too many connections")
        public static let peerConnectionLimit = Reason("peer-connection-limit", status: .serviceUnavailable,
                                                       title: "Too many connections from this address")
        public static let bodyBudget = Reason("server-busy", status: .serviceUnavailable,
                                              title: "Too many request bodies in flight")
    }

    public var reason: Reason
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// The problem details body sent to the client.
    public var problem: ProblemDetails {
        ProblemDetails(type: reason.typeURI, title: reason.title, status: reason.status.code, detail: detail)
    }

    public var description: String { "\(reason.rawValue): \(detail)" }

    /// Prefix of every problem `type` URI the server produces itself.
    public static let problemTypeBase = "https://tollgate.dev/problems/"
}

extension HTTPRejection.Reason: Sendable {}
extension HTTPRejection: Sendable {}
