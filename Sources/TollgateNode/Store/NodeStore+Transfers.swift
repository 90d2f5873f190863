import TollgateCertificates

/// The owners of license lineages after this node's customer transfers (``CustomerTransfers``).
extension NodeStore {
    /// Who lineage `lineage` belongs to after this node's transfers; nil when none moved it.
    public func owner(ofLineage lineage: String) throws -> String? {
        try database.query("SELECT customer FROM license_owners WHERE lineage = ?1", [.text(lineage)]).first.map { try $0.text(0) }
    }

    /// Every lineage a transfer of this node moved, and its customer now.
    func owners() throws -> [String: String] {
        var owners: [String: String] = [:]
        for row in try database.query("SELECT lineage, customer FROM license_owners") { owners[try row.text(0)] = try row.text(1) }
        return owners
    }

    /// Records that `transfer`, logged at `logIndex`, moved each of its lineages to its `to`.
    func recordTransfer(_ transfer: SignedCustomerTransfer, logIndex: UInt64) throws {
        for lineage in transfer.payload.licenses {
            try database.execute(
                """
                INSERT INTO license_owners (lineage, customer, transfer_hash, log_index) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT (lineage) DO UPDATE SET customer = excluded.customer, transfer_hash = excluded.transfer_hash, log_index = excluded.log_index
                """,
                [.text(lineage), .text(transfer.payload.to), .text(transfer.hash), .integer(Int64(logIndex))])
        }
    }
}
