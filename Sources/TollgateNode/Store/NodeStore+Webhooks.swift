import TollgateLedger
import TollgateWire

extension NodeStore {
    // MARK: Webhooks

    func insertWebhook(_ webhook: WebhookDescription) throws {
        try database.execute("INSERT INTO webhooks (id, url, events, created_at) VALUES (?1, ?2, ?3, ?4)",
                             [.text(webhook.id), .text(webhook.url), .text(webhook.events.map(\.rawValue).joined(separator: ",")),
                              .integer(webhook.createdAt)])
    }

    /// Removes a webhook with its outbox and delivery log; whether there was one.
    func deleteWebhook(id: String) throws -> Bool {
        try database.execute("DELETE FROM webhook_attempts WHERE delivery IN (SELECT delivery FROM webhook_outbox WHERE webhook_id = ?1)", [.text(id)])
        try database.execute("DELETE FROM webhook_outbox WHERE webhook_id = ?1", [.text(id)])
        try database.execute("DELETE FROM webhooks WHERE id = ?1", [.text(id)])
        return database.changes == 1
    }

    /// Every webhook, oldest first, with its deliveries counted by state.
    public func webhooks() throws -> [WebhookDescription] {
        try database.query(
            """
            SELECT w.id, w.url, w.events, w.created_at,
                   (SELECT count(*) FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.state = 'pending'),
                   (SELECT count(*) FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.state = 'delivered'),
                   (SELECT count(*) FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.state = 'failed')
            FROM webhooks w ORDER BY w.created_at, w.id
            """).map { row in
            WebhookDescription(id: try row.text(0), url: try row.text(1),
                               events: try row.text(2).split(separator: ",").compactMap { WebhookEventType(rawValue: String($0)) },
                               createdAt: try row.int64(3), pending: Int(try row.int64(4)), delivered: Int(try row.int64(5)),
                               failed: Int(try row.int64(6)))
        }
    }

    func webhookCount() throws -> Int {
        Int(try database.query("SELECT count(*) FROM webhooks").first?.int64(0) ?? 0)
    }

    // MARK: The outbox

    /// Queues `event` for every webhook that wants its type, due at once; an event queued before for
    /// a webhook stays as it is. Part of the caller's transaction, as the log entry it reports is.
    func queueWebhookEvent(_ event: WebhookEvent) throws {
        let subscribed = try database.query("SELECT id, events FROM webhooks").filter { row in
            try row.text(1).split(separator: ",").contains { $0 == event.type.rawValue }
        }
        guard !subscribed.isEmpty else { return }
        let body = String(decoding: try event.body(), as: UTF8.self)
        for row in subscribed {
            try database.execute(
                """
                INSERT OR IGNORE INTO webhook_outbox (webhook_id, event_id, event_type, body, queued_at, next_attempt_at, state)
                VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'pending')
                """,
                [.text(try row.text(0)), .text(event.id), .text(event.type.rawValue), .text(body), .integer(event.time)])
        }
    }

    /// Pending deliveries due by `now`, soonest first, at most `limit`.
    func dueWebhookDeliveries(at now: Int64, limit: Int) throws -> [WebhookDelivery] {
        try database.query(
            """
            SELECT o.delivery, w.url, o.body, o.attempts FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id
            WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 ORDER BY o.next_attempt_at, o.delivery LIMIT ?2
            """, [.integer(now), .integer(Int64(limit))]).map { row in
            WebhookDelivery(id: try row.int64(0), url: try row.text(1), body: Array(try row.text(2).utf8), attempt: Int(try row.int64(3)) + 1)
        }
    }

    /// The soonest time a pending delivery is due, if any.
    func nextWebhookAttempt() throws -> Int64? {
        let rows = try database.query("SELECT min(next_attempt_at) FROM webhook_outbox WHERE state = 'pending'")
        guard let row = rows.first, !(try row.isNull(0)) else { return nil }
        return try row.int64(0)
    }

    /// Records an attempt of delivery `id` and what comes next: `nextAttemptAt` when another is due,
    /// else its final `state`. False when the delivery is gone (its webhook removed meanwhile).
    func recordWebhookAttempt(delivery id: Int64, _ attempt: WebhookAttempt, state: WebhookDeliveryRecord.State,
                              nextAttemptAt: Int64?) throws -> Bool {
        try database.execute("UPDATE webhook_outbox SET attempts = ?2, state = ?3, next_attempt_at = ?4 WHERE delivery = ?1 AND state = 'pending'",
                             [.integer(id), .integer(Int64(attempt.attempt)), .text(state.rawValue), nextAttemptAt.map { .integer($0) } ?? .null])
        guard database.changes == 1 else { return false }
        try database.execute(
            "INSERT OR REPLACE INTO webhook_attempts (delivery, attempt, at, status, error, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            [.integer(id), .integer(Int64(attempt.attempt)), .integer(attempt.at), attempt.status.map { .integer(Int64($0)) } ?? .null,
             attempt.error.map { .text($0) } ?? .null, .integer(attempt.durationMilliseconds)])
        return true
    }

    /// Queues again, due at `now`, the delivery of `event` to webhook `id` (whatever its state but
    /// pending), or with no event every failed delivery of the webhook; how many were queued. Each
    /// keeps its attempts: a replay is one more attempt, and a failure leaves it failed again.
    func replayWebhookDeliveries(webhook id: String, event: String?, at now: Int64) throws -> Int {
        if let event {
            try database.execute(
                "UPDATE webhook_outbox SET state = 'pending', next_attempt_at = ?3 WHERE webhook_id = ?1 AND event_id = ?2 AND state != 'pending'",
                [.text(id), .text(event), .integer(now)])
        } else {
            try database.execute("UPDATE webhook_outbox SET state = 'pending', next_attempt_at = ?2 WHERE webhook_id = ?1 AND state = 'failed'",
                                 [.text(id), .integer(now)])
        }
        return Int(database.changes)
    }

    /// Whether webhook `id` has a delivery of `event`.
    func hasWebhookDelivery(webhook id: String, event: String) throws -> Bool {
        !(try database.query("SELECT 1 FROM webhook_outbox WHERE webhook_id = ?1 AND event_id = ?2", [.text(id), .text(event)]).isEmpty)
    }

    /// The deliveries of webhook `id`, in the order they were queued, each with its attempts.
    func webhookDeliveries(webhook id: String) throws -> [WebhookDeliveryRecord] {
        var attempts: [Int64: [WebhookAttempt]] = [:]
        for row in try database.query(
            """
            SELECT a.delivery, a.attempt, a.at, a.status, a.error, a.duration_ms FROM webhook_attempts a
            JOIN webhook_outbox o ON o.delivery = a.delivery WHERE o.webhook_id = ?1 ORDER BY a.delivery, a.attempt
            """, [.text(id)]) {
            attempts[try row.int64(0), default: []].append(WebhookAttempt(
                attempt: Int(try row.int64(1)), at: try row.int64(2), status: try row.isNull(3) ? nil : Int(try row.int64(3)),
                error: try row.isNull(4) ? nil : try row.text(4), durationMilliseconds: try row.int64(5)))
        }
        return try database.query(
            "SELECT delivery, event_id, event_type, state, queued_at, next_attempt_at FROM webhook_outbox WHERE webhook_id = ?1 ORDER BY delivery",
            [.text(id)]).compactMap { row in
            guard let type = WebhookEventType(rawValue: try row.text(2)), let state = WebhookDeliveryRecord.State(rawValue: try row.text(3)) else { return nil }
            return WebhookDeliveryRecord(event: try row.text(1), type: type, state: state, queuedAt: try row.int64(4),
                                         nextAttemptAt: try row.isNull(5) ? nil : try row.int64(5), attempts: attempts[try row.int64(0)] ?? [])
        }
    }
}
