import TollgateLedger

extension NodeSchema {
    /// Who each license lineage of this node's subtree belongs to after the customer transfers
    /// this node signed (``CustomerTransfers``): a lineage without a row still belongs to the
    /// customer its licenses name.
    static let customerTransfers = SchemaMigration(name: "node-customer-transfers", sql: """
        CREATE TABLE license_owners (
            lineage TEXT PRIMARY KEY,
            customer TEXT NOT NULL,
            transfer_hash TEXT NOT NULL,
            log_index INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        """)
}
