import TollgateLedger

/// Order ids and the licenses they were issued or renewed as (``OrderBook``).
extension NodeStore {
    /// The order recorded under `id`, if any.
    func order(id: String) throws -> RecordedOrder? {
        try database.query("SELECT kind, license_hash, terms FROM orders WHERE order_id = ?1", [.text(id)]).first.flatMap { row in
            guard let kind = RecordedOrder.Kind(rawValue: try row.text(0)) else { return nil }
            return RecordedOrder(id: id, kind: kind, licenseHash: try row.text(1), terms: try row.text(2))
        }
    }

    /// Records `order` as issued or renewed by the license at `logIndex`.
    func insertOrder(_ order: RecordedOrder, logIndex: UInt64) throws {
        try database.execute("INSERT INTO orders (order_id, kind, license_hash, terms, log_index) VALUES (?1, ?2, ?3, ?4, ?5)",
                             [.text(order.id), .text(order.kind.rawValue), .text(order.licenseHash), .text(order.terms), .integer(Int64(logIndex))])
    }
}
