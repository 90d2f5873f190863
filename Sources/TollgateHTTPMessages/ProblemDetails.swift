/// An RFC 9457 problem details object, sent as `application/problem+json`.
public struct ProblemDetails: Codable, Hashable {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    public var type: String
    public var title: String?
    public var status: Int?
    public var detail: String?
    public var instance: String?

    public init(type: String = "about:blank", title: String? = nil, status: Int? = nil, detail: String? = nil, instance: String? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
    }

    /// The media type of a problem details body.
    public static let mediaType = "application/problem+json"
}

extension ProblemDetails: Sendable {}
