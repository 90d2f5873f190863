/// The `data` object of a webhook event: the ids of the object the event is about. Only the members
/// of the event's type are present (a license's hash, serials, customer and country; an activation's
/// hash, license, serial and country; a finding's id, code and subject; a child's name and the
/// entries accepted from it). Customer names are the seller's text: JSON-escaped, never interpreted.
public struct WebhookEventData: Codable, Hashable, Sendable {
    public var license: String?
    public var activation: String?
    public var serialStart: UInt64?
    public var serialEnd: UInt64?
    public var customer: String?
    public var country: String?
    public var finding: String?
    public var code: String?
    public var subject: String?
    public var child: String?
    public var entries: UInt64?

    public init(license: String? = nil, activation: String? = nil, serialStart: UInt64? = nil, serialEnd: UInt64? = nil,
                customer: String? = nil, country: String? = nil, finding: String? = nil, code: String? = nil, subject: String? = nil,
                child: String? = nil, entries: UInt64? = nil) {
        self.license = license
        self.activation = activation
        self.serialStart = serialStart
        self.serialEnd = serialEnd
        self.customer = customer
        self.country = country
        self.finding = finding
        self.code = code
        self.subject = subject
        self.child = child
        self.entries = entries
    }

    enum CodingKeys: String, CodingKey {
        case license, activation, customer, country, finding, code, subject, child, entries
        case serialStart = "serial_start"
        case serialEnd = "serial_end"
    }
}
