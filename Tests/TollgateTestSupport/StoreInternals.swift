/// What a storage failure's answer to a client must not contain: the store's SQL, SQLite's result
/// codes and wording, and the path of the store. Those go to the node's log only.
public enum StoreInternals {
    static let markers = ["SQLite", "SQL", "INSERT ", "UPDATE ", "SELECT ", "DELETE ", "COMMIT", "log_entries", "readonly database",
                          "(code ", "code 8", "code 13", ".sqlite"]

    /// The markers of store internals found in `text`, besides any of `paths` (the store's directory).
    public static func found(in text: String, paths: [String] = []) -> [String] {
        (markers + paths).filter { text.contains($0) }
    }
}
