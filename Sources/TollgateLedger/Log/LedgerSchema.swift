/// The ledger's schema steps, for the application's ``SchemaMigrations`` list.
///
/// Log rows can only be inserted: triggers refuse every UPDATE and DELETE, so even a bug elsewhere
/// in the node cannot rewrite history without leaving the SQL layer.
public enum LedgerSchema {
    /// Named logs, their entries and the hashes of their complete subtrees above the leaves.
    public static let merkleLog = SchemaMigration(name: "ledger.merkle-log", sql: """
        CREATE TABLE logs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        ) STRICT;
        CREATE TABLE log_entries (
            log_id INTEGER NOT NULL REFERENCES logs (id),
            leaf_index INTEGER NOT NULL CHECK (leaf_index >= 0),
            kind TEXT NOT NULL,
            bytes BLOB NOT NULL,
            leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
            appended_at INTEGER NOT NULL,
            PRIMARY KEY (log_id, leaf_index)
        ) STRICT;
        CREATE TABLE log_nodes (
            log_id INTEGER NOT NULL REFERENCES logs (id),
            level INTEGER NOT NULL CHECK (level >= 1),
            node_index INTEGER NOT NULL CHECK (node_index >= 0),
            hash BLOB NOT NULL CHECK (length(hash) = 32),
            PRIMARY KEY (log_id, level, node_index)
        ) STRICT, WITHOUT ROWID;
        \(appendOnly("logs"))
        \(appendOnly("log_entries"))
        \(appendOnly("log_nodes"))
        """)

    /// Every checkpoint a log's owner signed, with the signed note.
    public static let checkpoints = SchemaMigration(name: "ledger.checkpoints", sql: """
        CREATE TABLE log_checkpoints (
            log_id INTEGER NOT NULL REFERENCES logs (id),
            tree_size INTEGER NOT NULL CHECK (tree_size >= 0),
            root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
            note TEXT NOT NULL,
            signed_at INTEGER NOT NULL,
            PRIMARY KEY (log_id, tree_size)
        ) STRICT;
        \(appendOnly("log_checkpoints"))
        """)

    /// The ledger's steps in order. An application lists these first and its own after them.
    public static let steps: [SchemaMigration] = [merkleLog, checkpoints]

    private static func appendOnly(_ table: String) -> String {
        """
        CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
        CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
        """
    }
}
