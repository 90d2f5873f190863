import TollgateLedger

/// The node's tables, appended after the ledger's own schema steps. Steps are only ever appended.
enum NodeSchema {
    static let steps: [SchemaMigration] = [
        SchemaMigration(name: "node-objects", sql: """
            CREATE TABLE held_certificates (
                hash TEXT PRIMARY KEY,
                subject TEXT NOT NULL,
                chain TEXT NOT NULL,
                seats_start INTEGER NOT NULL,
                seats_end INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                log_index INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE serial_allocations (
                start INTEGER NOT NULL,
                end INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('delegated', 'licensed', 'returned')),
                holder_hash TEXT NOT NULL,
                object_hash TEXT NOT NULL,
                log_index INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                CHECK (start < end)
            ) STRICT;
            CREATE INDEX serial_allocations_by_start ON serial_allocations (start);
            CREATE TABLE delegations (
                hash TEXT PRIMARY KEY,
                subject TEXT NOT NULL,
                parent_hash TEXT,
                compact TEXT NOT NULL,
                log_index INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE licenses (
                hash TEXT PRIMARY KEY,
                jti TEXT NOT NULL UNIQUE,
                certificate_hash TEXT NOT NULL,
                customer TEXT NOT NULL,
                lineage TEXT NOT NULL,
                compact TEXT NOT NULL,
                log_index INTEGER NOT NULL,
                issued_at INTEGER NOT NULL,
                expires_at INTEGER
            ) STRICT;
            CREATE INDEX licenses_by_lineage ON licenses (lineage, issued_at);
            CREATE TABLE activations (
                hash TEXT PRIMARY KEY,
                lineage TEXT NOT NULL,
                serial INTEGER NOT NULL,
                machine_key TEXT NOT NULL,
                kind TEXT NOT NULL,
                replaces TEXT,
                compact TEXT NOT NULL,
                log_index INTEGER NOT NULL,
                activated_at INTEGER NOT NULL,
                expires_at INTEGER,
                ended_at INTEGER
            ) STRICT;
            CREATE INDEX activations_by_lineage ON activations (lineage, serial);
            CREATE TABLE machine_nonces (
                nonce TEXT PRIMARY KEY,
                machine_key TEXT NOT NULL,
                seen_at INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE revocations (
                hash TEXT PRIMARY KEY,
                certificate_hash TEXT NOT NULL,
                effective INTEGER NOT NULL,
                compact TEXT NOT NULL,
                log_index INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE quota_returns (
                hash TEXT PRIMARY KEY,
                certificate_hash TEXT NOT NULL,
                start INTEGER NOT NULL,
                end INTEGER NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
                compact TEXT NOT NULL,
                log_index INTEGER NOT NULL
            ) STRICT;
            """),
            SchemaMigration(name: "node-sync", sql: """
            CREATE TABLE descendants (
                key_id TEXT PRIMARY KEY,
                public_key TEXT NOT NULL,
                subject TEXT NOT NULL,
                parent_key_id TEXT NOT NULL,
                certificate_hash TEXT NOT NULL,
                certificate TEXT NOT NULL,
                sync_within INTEGER NOT NULL,
                learned_at INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE mirrors (
                key_id TEXT PRIMARY KEY,
                accepted_checkpoint TEXT,
                accepted_size INTEGER NOT NULL DEFAULT 0,
                last_push_at INTEGER,
                last_witness_at INTEGER
            ) STRICT;
            CREATE TABLE upstream (
                key_id TEXT PRIMARY KEY,
                acked_size INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE sync_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_success_at INTEGER,
                last_attempt_at INTEGER,
                last_error TEXT
            ) STRICT;
            CREATE TABLE request_nonces (
                nonce TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                seen_at INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE audit_findings (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                node_key_id TEXT NOT NULL,
                node_name TEXT NOT NULL,
                summary TEXT NOT NULL,
                evidence TEXT NOT NULL,
                detected_at INTEGER NOT NULL
            ) STRICT;
            CREATE TABLE observations (
                hash TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                object TEXT NOT NULL,
                chain TEXT NOT NULL,
                observed_at INTEGER NOT NULL
            ) STRICT;
            """),
            licensesByLogIndex,
            allocationKindsWithoutList,
            observationLicenses,
            mirrorCheckpoints,
            serialFreeRuns,
            pullCursor,
            licenseRevocations,
            licenseLifecycle,
            usageRecords,
            leases,
            siteImports,
            refusalCounts,
            customerTransfers,
            webhooks,
            orders,
            liveLeaseIndexes,
    ]

    /// Add-ons by the lineage they add to, and first trials by customer and product (the count a
    /// certificate's `trials.per_customer` limits), beside `licenses`, which holds both as well.
    static let licenseLifecycle = SchemaMigration(name: "node-license-lifecycle", sql: """
        CREATE TABLE license_addons (
            hash TEXT PRIMARY KEY,
            lineage TEXT NOT NULL,
            log_index INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX license_addons_by_lineage ON license_addons (lineage);
        CREATE TABLE license_trials (
            hash TEXT PRIMARY KEY,
            customer TEXT NOT NULL,
            product TEXT NOT NULL
        ) STRICT;
        CREATE INDEX license_trials_by_customer ON license_trials (customer, product);
        """)

    /// Metered use: every usage record the node logged, by its hash, as a link of its machine's
    /// chain for a license lineage or as the evidence of a fork (`forked`). One chain link per
    /// sequence number; the highest is the chain's head.
    static let usageRecords = SchemaMigration(name: "node-usage-records", sql: """
        CREATE TABLE usage_records (
            hash TEXT PRIMARY KEY,
            lineage TEXT NOT NULL,
            machine_key TEXT NOT NULL,
            seq INTEGER NOT NULL CHECK (seq >= 1),
            prev TEXT NOT NULL,
            forked INTEGER NOT NULL CHECK (forked = 0 OR forked = 1),
            log_index INTEGER NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX usage_chain_links ON usage_records (lineage, machine_key, seq) WHERE forked = 0;
        """)

    /// What an agent took in of each bound site's exported log: the entry hash at each index, so a
    /// file carried twice adds nothing and a site that rewrote an entry is refused; when it last did.
    static let siteImports = SchemaMigration(name: "node-site-imports", sql: """
        CREATE TABLE site_imports (
            site_key TEXT NOT NULL,
            leaf_index INTEGER NOT NULL,
            hash TEXT NOT NULL,
            imported_at INTEGER NOT NULL,
            PRIMARY KEY (site_key, leaf_index)
        ) STRICT, WITHOUT ROWID;
        """)

    /// Leases of floating seats this node signed (as the issuing agent or as a site), the row of the
    /// lease's log entry; `ended_at` is set when a machine releases it or a heartbeat replaces it.
    /// A site node's bindings: the license file and the site activation it serves leases under.
    static let leases = SchemaMigration(name: "node-leases", sql: """
        CREATE TABLE leases (
            hash TEXT PRIMARY KEY,
            lineage TEXT NOT NULL,
            serial INTEGER NOT NULL,
            machine_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            compact TEXT NOT NULL,
            log_index INTEGER NOT NULL,
            nbf INTEGER NOT NULL,
            exp INTEGER NOT NULL,
            ended_at INTEGER
        ) STRICT;
        CREATE INDEX leases_by_lineage ON leases (lineage, exp);
        CREATE TABLE site_bindings (
            lineage TEXT PRIMARY KEY,
            license_file TEXT NOT NULL,
            activation TEXT NOT NULL,
            log_index INTEGER NOT NULL,
            bound_at INTEGER NOT NULL
        ) STRICT;
        """)

    /// Revocations of single licenses (refund, fraud, chargeback), apart from the certificates'
    /// `revocations`: a sale under a certificate reads those by certificate, an activation or
    /// renewal reads these by the lineage (the first license) they name.
    static let licenseRevocations = SchemaMigration(name: "node-license-revocations", sql: """
        CREATE TABLE license_revocations (
            hash TEXT PRIMARY KEY,
            lineage TEXT NOT NULL,
            effective INTEGER NOT NULL,
            compact TEXT NOT NULL,
            log_index INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX license_revocations_by_lineage ON license_revocations (lineage);
        """)

    /// Where the node's next pull from its parent starts: a position in the parent's log, saved
    /// with what each page applied, so a restarted node does not pull everything again.
    static let pullCursor = SchemaMigration(name: "node-pull-cursor", sql: """
        ALTER TABLE sync_state ADD COLUMN pull_from INTEGER NOT NULL DEFAULT 0 CHECK (pull_from >= 0);
        """)

    /// A descendant's signed checkpoints by size, beyond the latest one `mirrors` keeps: a node
    /// relays a descendant's log in bounded segments, and each must end at a size the descendant
    /// signed. Rows at or below the held size were checked against the held entries; a row beyond it
    /// is a head the descendant committed to (``LogSegment/head``), checked once the entries reach
    /// it. Seeded with each mirror's accepted checkpoint.
    static let mirrorCheckpoints = SchemaMigration(name: "node-mirror-checkpoints", sql: """
        CREATE TABLE mirror_checkpoints (
            key_id TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size >= 0),
            checkpoint TEXT NOT NULL,
            PRIMARY KEY (key_id, size)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO mirror_checkpoints (key_id, size, checkpoint)
            SELECT key_id, accepted_size, accepted_checkpoint FROM mirrors WHERE accepted_checkpoint IS NOT NULL;
        """)

    /// Observations of activations and deactivations carry the license they belong to (its
    /// compact form; `chain` stays the license's chain). Null for observed licenses, whose object is
    /// the license itself.
    static let observationLicenses = SchemaMigration(name: "node-observation-licenses", sql: """
        ALTER TABLE observations ADD COLUMN license TEXT;
        """)

    /// Rebuilds `licenses` so that a sale adds to one random-key index only: rows are kept in log
    /// order (the row id is the log index), found by hash through one index, and only renewals are
    /// indexed by the lineage they extend, since a first license is its own lineage's root. The
    /// compact form is no longer copied: it is the bytes of the license's log entry, and the step
    /// stops (changing nothing) if any stored copy differs from its entry. `jti` stays a column; its
    /// uniqueness comes from the 128 random bits it is made of, and the hash, which covers it, stays unique.
    static let licensesByLogIndex = SchemaMigration(name: "node-licenses-by-log-index", sql: """
        CREATE TEMP TABLE license_matches_its_log_entry (matches INTEGER NOT NULL CHECK (matches = 1));
        INSERT INTO license_matches_its_log_entry (matches)
            SELECT coalesce(e.bytes = CAST(l.compact AS BLOB), 0) FROM licenses l
            LEFT JOIN log_entries e ON e.log_id = (SELECT id FROM logs WHERE name = 'node') AND e.leaf_index = l.log_index;
        DROP TABLE license_matches_its_log_entry;
        CREATE TABLE licenses_in_log_order (
            log_index INTEGER PRIMARY KEY,
            hash TEXT NOT NULL,
            jti TEXT NOT NULL,
            certificate_hash TEXT NOT NULL,
            customer TEXT NOT NULL,
            renews TEXT CHECK (renews IS NOT hash),
            issued_at INTEGER NOT NULL,
            expires_at INTEGER
        ) STRICT;
        INSERT INTO licenses_in_log_order (log_index, hash, jti, certificate_hash, customer, renews, issued_at, expires_at)
            SELECT log_index, hash, jti, certificate_hash, customer, nullif(lineage, hash), issued_at, expires_at FROM licenses;
        DROP TABLE licenses;
        ALTER TABLE licenses_in_log_order RENAME TO licenses;
        CREATE UNIQUE INDEX licenses_by_hash ON licenses (hash);
        CREATE INDEX renewals_by_lineage ON licenses (renews, issued_at) WHERE renews IS NOT NULL;
        """)

    /// Rebuilds `serial_allocations` with its kinds checked by comparisons instead of an `IN` list,
    /// which SQLite evaluated by building a temporary index on every insert (so a sale's serial row
    /// cost as much as its license row). Rows keep their row ids and the allowed kinds stay the same.
    static let allocationKindsWithoutList = SchemaMigration(name: "node-allocation-kinds-without-list", sql: """
        CREATE TABLE serial_allocations_rebuilt (
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind = 'delegated' OR kind = 'licensed' OR kind = 'returned'),
            holder_hash TEXT NOT NULL,
            object_hash TEXT NOT NULL,
            log_index INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            CHECK (start < end)
        ) STRICT;
        INSERT INTO serial_allocations_rebuilt (rowid, start, end, kind, holder_hash, object_hash, log_index, created_at)
            SELECT rowid, start, end, kind, holder_hash, object_hash, log_index, created_at FROM serial_allocations;
        DROP TABLE serial_allocations;
        ALTER TABLE serial_allocations_rebuilt RENAME TO serial_allocations;
        CREATE INDEX serial_allocations_by_start ON serial_allocations (start);
        """)
}
