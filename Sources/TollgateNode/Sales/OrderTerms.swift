import Foundation
import TollgateWire

/// An order as a plan carries it to the transaction that records the license: its id and the
/// terms it was placed with, the canonical JSON of its request without the order id.
struct OrderTerms: Hashable, Sendable {
    let id: String
    let terms: String

    /// The order of `request`, nil when it names none; invalid_request when its id is malformed.
    init?(_ request: LicenseRequest) throws(NodeError) {
        guard let id = request.order else { return nil }
        var terms = request
        terms.order = nil
        try self.init(id: id, terms: terms)
    }

    /// The order `id` placed with `terms` (encoded with sorted keys, so equal terms read equal).
    init<Terms: Encodable>(id: String, terms: Terms) throws(NodeError) {
        if let problem = OrderID.problem(id) { throw NodeError(.invalidRequest, problem) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            self.id = id
            self.terms = String(decoding: try encoder.encode(terms), as: UTF8.self)
        } catch {
            throw NodeError(.invalidRequest, "order \(id): its terms do not encode: \(error)")
        }
    }
}
