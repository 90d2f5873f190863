import TollgateWire

/// The rows of one bulk call as they are checked: each row's outcome or refusal, and the order ids
/// seen so far, so a row repeating an order with its terms gets that order's outcome.
struct OrderRows {
    private var filled: [OrderOutcome?]
    private var errors: [OrderRowError] = []
    private var seen: [String: (row: Int, terms: String)] = [:]
    private var repeats: [(row: Int, of: Int)] = []

    init(count: Int) {
        filled = Array(repeating: nil, count: count)
    }

    /// Whether `order`, in `row`, is still to be issued: false when it repeats an earlier row with
    /// the same terms, or is recorded with them (its outcome then filled in); order_conflict when
    /// the earlier row or the recorded order has other terms.
    mutating func admit(_ order: OrderTerms, row: Int, kind: RecordedOrder.Kind, book: OrderBook) throws(NodeError) -> Bool {
        if let first = seen[order.id] {
            guard first.terms == order.terms else {
                throw NodeError(.orderConflict, "order \(order.id) repeats row \(first.row) with other terms")
            }
            repeats.append((row, first.row))
            return false
        }
        seen[order.id] = (row, order.terms)
        if var existing = try book.existing(order, kind: kind) {
            existing.row = row
            filled[row - 1] = existing
            return false
        }
        return true
    }

    /// Notes `row` as bad for `error`, naming `field` (or the field the error's rule is about); a
    /// storage failure is no bad row and is thrown on.
    mutating func refuse(_ row: Int, order: String?, _ error: NodeError, field: String? = nil) throws(NodeError) {
        if error.code == .storage { throw error }
        errors.append(OrderRowError(row: row, order: order, field: field ?? Self.field(of: error),
                                    code: error.rule?.rawValue ?? error.code.rawValue, reason: error.reason))
    }

    /// batch_refused naming every bad row, when there is one.
    func throwIfRefused(what: String) throws(NodeError) {
        guard !errors.isEmpty else { return }
        let sorted = errors.sorted { $0.row < $1.row }
        var refusal = NodeError(.batchRefused, "\(sorted.count) of \(filled.count) row(s) are bad, so nothing was issued or renewed "
                                + "(fix them and \(what) again):\n" + sorted.map(\.description).joined(separator: "\n"))
        refusal.rows = sorted
        throw refusal
    }

    mutating func fill(_ row: Int, _ outcome: OrderOutcome) {
        filled[row - 1] = outcome
    }

    /// Every row's outcome, in order; a repeating row gets its order's outcome under its own number.
    func outcomes() -> [OrderOutcome] {
        var all = filled
        for (row, first) in repeats {
            if var outcome = all[first - 1] {
                outcome.row = row
                all[row - 1] = outcome
            }
        }
        return all.compactMap { $0 }
    }

    /// The request field a refusal is about, where its rule or code says.
    static func field(of error: NodeError) -> String? {
        switch error.rule?.rawValue ?? error.code.rawValue {
        case "price_below_floor", "currency_not_allowed": "price"
        case "country_not_allowed": "country"
        case "territory_not_allowed": "territory"
        case "product_not_allowed": "product"
        case "feature_not_allowed": "features"
        case "model_not_allowed", "trial_too_long": "model"
        case "tier_not_allowed", "tier_mismatch", "tier_outside_product", "downgrade_tier_not_allowed": "tier"
        case "expiry_required", "issued_outside_window": "exp"
        case "seats_outside_certificate", "quota_exhausted", "serials_taken": "seats"
        case "trial_limit_reached": "customer"
        case "floating_terms_required", "floating_exceeds_certificate": "floating"
        case "order_conflict": "order"
        case "not_found": "license"
        default: nil
        }
    }
}
