import TollgateLedger

extension NodeSchema {
    /// How many refused attempts this node logged and how many it left out, per hour, attempt and
    /// code (``RefusedAttempts``): what keeps the hourly cap across restarts, and what an hour's
    /// summary record reports. Rows of an hour go once its summary is logged.
    static let refusalCounts = SchemaMigration(name: "node-refusal-counts", sql: """
        CREATE TABLE refusal_counts (
            hour INTEGER NOT NULL,
            attempt TEXT NOT NULL,
            code TEXT NOT NULL,
            logged INTEGER NOT NULL DEFAULT 0,
            suppressed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (hour, attempt, code)
        ) STRICT, WITHOUT ROWID;
        """)
}
