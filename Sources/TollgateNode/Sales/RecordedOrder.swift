/// A seller's order as the node keeps it: what kind of order, the license it came to, and the
/// terms it was placed with (canonical JSON of the request without its order id).
struct RecordedOrder: Hashable, Sendable {
    enum Kind: String, Hashable, Sendable {
        case issue, renewal
    }

    let id: String
    let kind: Kind
    let licenseHash: String
    let terms: String
}
