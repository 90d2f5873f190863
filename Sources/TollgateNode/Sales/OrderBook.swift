import TollgateCertificates
import TollgateWire

/// Orders already recorded: an order placed again with its terms gets its license back, issuing
/// nothing; placed with other terms (or as another kind of order) it is `order_conflict`.
struct OrderBook: NodePart {
    let context: NodeContext
    let holdings: CertificateHoldings

    /// The license `order` came to when it is recorded as `kind` with the same terms; nil when it
    /// is not recorded; order_conflict when it is, with other terms or as another kind.
    func existing(_ order: OrderTerms, kind: RecordedOrder.Kind) throws(NodeError) -> OrderOutcome? {
        guard let recorded = try storage({ try store.order(id: order.id) }) else { return nil }
        guard recorded.kind == kind else {
            throw NodeError(.orderConflict, "order \(order.id) is already recorded as \(recorded.kind == .issue ? "a sale" : "a renewal") "
                            + "(license \(HashID.short(recorded.licenseHash))), not as \(kind == .issue ? "a sale" : "a renewal")")
        }
        guard recorded.terms == order.terms else {
            throw NodeError(.orderConflict, "order \(order.id) was already issued as license \(HashID.short(recorded.licenseHash)) "
                            + "with other terms: \(recorded.terms)")
        }
        guard let license = try storage({ try store.license(hash: recorded.licenseHash) }),
              let held = try holdings.heldCertificate(hash: license.payload.cert) else {
            throw NodeError(.notFound, "order \(order.id) names license \(HashID.short(recorded.licenseHash)), which this node no longer holds")
        }
        return OrderOutcome(row: 0, order: order.id, status: .existing, license: license.hash, seats: license.payload.seats,
                            file: LicenseFile(chain: held.chain, license: license.compact))
    }
}
