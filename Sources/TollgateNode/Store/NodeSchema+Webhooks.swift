import TollgateLedger

extension NodeSchema {
    /// Webhooks and their durable outbox: an event is queued (one `webhook_outbox` row per webhook
    /// that wants its type) in the transaction that logs what it reports, and each delivery attempt
    /// is kept in `webhook_attempts`, the delivery log.
    static let webhooks = SchemaMigration(name: "node-webhooks", sql: """
        CREATE TABLE webhooks (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE webhook_outbox (
            delivery INTEGER PRIMARY KEY,
            webhook_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            queued_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER,
            state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
            UNIQUE (webhook_id, event_id)
        ) STRICT;
        CREATE INDEX webhook_outbox_due ON webhook_outbox (state, next_attempt_at);
        CREATE TABLE webhook_attempts (
            delivery INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            at INTEGER NOT NULL,
            status INTEGER,
            error TEXT,
            duration_ms INTEGER NOT NULL,
            PRIMARY KEY (delivery, attempt)
        ) STRICT, WITHOUT ROWID;
        """)
}
