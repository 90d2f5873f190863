import TollgateLedger

extension NodeSchema {
    /// The leases in force by machine and by serial: what a lease grant asks (does this machine hold
    /// one, which serial is free) answered from an index instead of every lease of the license.
    static let liveLeaseIndexes = SchemaMigration(name: "node-live-lease-indexes", sql: """
        CREATE INDEX leases_live_by_machine ON leases (lineage, machine_key) WHERE ended_at IS NULL;
        CREATE INDEX leases_live_by_serial ON leases (lineage, serial) WHERE ended_at IS NULL;
        """)
}
