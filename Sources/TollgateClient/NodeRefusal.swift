import TollgateCertificates

/// A node's RFC 9457 refusal of a customer request: the HTTP status, the stable problem `type` URI
/// and the human-readable title and detail.
public struct NodeRefusal: Hashable, CustomStringConvertible {
    public var status: Int
    /// The problem type URI, e.g. `https://tollgate.dev/problems/seats-in-use`.
    public var type: String
    public var title: String?
    public var detail: String?

    public init(status: Int, type: String, title: String? = nil, detail: String? = nil) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
    }

    /// The last path segment of `type` (`seats-in-use`, or the rule name for rule violations).
    public var name: String {
        type.split(separator: "/").last.map(String.init) ?? type
    }

    /// The verifier rule the node cited, when the type is a `…/problems/rule/<rule>` URI.
    public var rule: VerificationError.Rule? {
        let parts = type.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2] == "rule" else { return nil }
        return VerificationError.Rule(String(parts[parts.count - 1]))
    }

    public var description: String {
        var text = "\(status) \(type)"
        if let title { text += " (\(title))" }
        if let detail { text += ": \(detail)" }
        return text
    }
}

extension NodeRefusal: Sendable {}
