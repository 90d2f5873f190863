import TollgateLedger

extension NodeSchema {
    /// The seller's order ids and the license each was issued or renewed as, written in the
    /// transaction that logs the license: what makes a bulk issue or renewal safe to run again.
    /// `terms` is the request's canonical JSON without its order id, which a retry must repeat.
    static let orders = SchemaMigration(name: "node-orders", sql: """
        CREATE TABLE orders (
            order_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind = 'issue' OR kind = 'renewal'),
            license_hash TEXT NOT NULL,
            terms TEXT NOT NULL,
            log_index INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        """)
}
