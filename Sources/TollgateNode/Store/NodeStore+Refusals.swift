import TollgateCertificates

/// The hourly counts of refused attempts behind the cap on logging them (``RefusedAttempts``).
extension NodeStore {
    /// Refusals logged one by one in `hour` (its start, Unix seconds), all attempts and codes.
    func refusalsLogged(hour: Int64) throws -> UInt64 {
        try database.query("SELECT COALESCE(SUM(logged), 0) FROM refusal_counts WHERE hour = ?1", [.integer(hour)]).first.map { UInt64(try $0.int64(0)) } ?? 0
    }

    /// Counts one refusal of `attempt` and `code` in `hour`, as logged or as left out.
    func countRefusal(hour: Int64, attempt: ActivationRefusal.Attempt, code: String, logged: Bool) throws {
        try database.execute(
            """
            INSERT INTO refusal_counts (hour, attempt, code, logged, suppressed) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (hour, attempt, code) DO UPDATE SET logged = logged + excluded.logged, suppressed = suppressed + excluded.suppressed
            """,
            [.integer(hour), .text(attempt.rawValue), .text(code), .integer(logged ? 1 : 0), .integer(logged ? 0 : 1)])
    }

    /// The refusals left out in hours before `hour`, by hour, in order of hour, attempt and code.
    func suppressedRefusals(before hour: Int64) throws -> [(hour: Int64, suppressed: ActivationRefusal.Suppressed)] {
        try database.query(
            "SELECT hour, attempt, code, suppressed FROM refusal_counts WHERE hour < ?1 AND suppressed > 0 ORDER BY hour, attempt, code",
            [.integer(hour)]).compactMap { row in
            guard let attempt = ActivationRefusal.Attempt(rawValue: try row.text(1)) else { return nil }
            return (try row.int64(0), ActivationRefusal.Suppressed(attempt: attempt, code: try row.text(2), count: UInt64(try row.int64(3))))
        }
    }

    /// Forgets the counts of the hours before `hour` (their summaries are logged).
    func forgetRefusalCounts(before hour: Int64) throws {
        try database.execute("DELETE FROM refusal_counts WHERE hour < ?1", [.integer(hour)])
    }
}
