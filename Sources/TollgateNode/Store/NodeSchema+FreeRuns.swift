import TollgateLedger

extension NodeSchema {
    /// Keeps, for every held certificate, the runs of its serials that no allocation covers, so a
    /// sale finds free serials (or learns a certificate is used up) with a few index probes instead
    /// of reading every allocation of the certificate, and a sale costs the same with one or a
    /// thousand certificates held, full or not.
    ///
    /// The runs are kept by triggers on `serial_allocations` and `held_certificates`, so they change
    /// in the same transaction as every allocation, whoever writes it (a return received frees the
    /// delegated serials by deleting and re-inserting rows). A run of certificate `h` is a maximal
    /// range inside `h`'s seats covered by no allocation of any holder, as the old scan found them;
    /// `received_at` is `h`'s, copied so that runs can be walked in the order sales try certificates
    /// (oldest first), skipping used-up ones without reading them. The step fills the runs of the
    /// certificates a store already holds from its allocations.
    static let serialFreeRuns = SchemaMigration(name: "node-serial-free-runs", sql: """
        CREATE TABLE serial_free_runs (
            holder_hash TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (holder_hash, start),
            CHECK (start < end)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX serial_free_runs_in_arrival_order ON serial_free_runs (received_at, holder_hash, start);
        CREATE INDEX held_certificates_by_seats ON held_certificates (seats_start, seats_end);
        \(freeRunsInsert(of: "held_certificates"));
        CREATE TRIGGER held_certificates_add_free_runs AFTER INSERT ON held_certificates BEGIN
            \(freeRunsInsert(of: "(SELECT NEW.hash AS hash, NEW.received_at AS received_at, NEW.seats_start AS seats_start, NEW.seats_end AS seats_end)"));
        END;
        CREATE TRIGGER held_certificates_drop_free_runs AFTER DELETE ON held_certificates BEGIN
            DELETE FROM serial_free_runs WHERE holder_hash = OLD.hash;
        END;
        CREATE TRIGGER serial_allocations_take_free_runs AFTER INSERT ON serial_allocations BEGIN
            INSERT INTO serial_free_runs (holder_hash, start, end, received_at)
                SELECT r.holder_hash, NEW.end, r.end, r.received_at FROM held_certificates h JOIN serial_free_runs r
                    ON r.holder_hash = h.hash AND r.start = (SELECT max(start) FROM serial_free_runs WHERE holder_hash = h.hash AND start < NEW.end)
                WHERE h.seats_start < NEW.end AND h.seats_end > NEW.start AND r.end > NEW.end;
            UPDATE serial_free_runs SET end = NEW.start
                WHERE (holder_hash, start) IN (
                    SELECT h.hash, (SELECT max(start) FROM serial_free_runs WHERE holder_hash = h.hash AND start < NEW.start)
                    FROM held_certificates h WHERE h.seats_start < NEW.end AND h.seats_end > NEW.start)
                AND end > NEW.start;
            DELETE FROM serial_free_runs
                WHERE holder_hash IN (SELECT hash FROM held_certificates WHERE seats_start < NEW.end AND seats_end > NEW.start)
                AND start >= NEW.start AND start < NEW.end;
        END;
        CREATE TRIGGER serial_allocations_release_free_runs AFTER DELETE ON serial_allocations BEGIN
            INSERT OR REPLACE INTO serial_free_runs (holder_hash, start, end, received_at)
                SELECT h.hash,
                    coalesce((SELECT l.start FROM serial_free_runs l WHERE l.holder_hash = h.hash AND l.end = max(h.seats_start, OLD.start)
                                AND l.start = (SELECT max(start) FROM serial_free_runs WHERE holder_hash = h.hash AND start < max(h.seats_start, OLD.start))),
                             max(h.seats_start, OLD.start)),
                    coalesce((SELECT r.end FROM serial_free_runs r WHERE r.holder_hash = h.hash AND r.start = min(h.seats_end, OLD.end)),
                             min(h.seats_end, OLD.end)),
                    h.received_at
                FROM held_certificates h WHERE h.seats_start < OLD.end AND h.seats_end > OLD.start;
            DELETE FROM serial_free_runs
                WHERE (holder_hash, start) IN (
                    SELECT hash, min(seats_end, OLD.end) FROM held_certificates WHERE seats_start < OLD.end AND seats_end > OLD.start);
        END;
        """)

    /// The statement adding the free runs of the certificates in `held` (a table or subquery with
    /// `hash`, `received_at`, `seats_start` and `seats_end`): the gaps between the allocations
    /// reaching into each certificate's seats, taken in order of their starts. Allocations never
    /// overlap each other, so only the one starting last before a certificate can reach into it
    /// from below; the running maximum of the ends covered so far makes the gaps right either way.
    static func freeRunsInsert(of held: String) -> String {
        """
        INSERT INTO serial_free_runs (holder_hash, start, end, received_at)
            SELECT holder, covered, s, received_at FROM (
                SELECT holder, received_at, s,
                    coalesce(max(e) OVER (PARTITION BY holder ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), lo) AS covered
                FROM (
                    SELECT h.hash AS holder, h.received_at, h.seats_start AS lo, max(a.start, h.seats_start) AS s, min(a.end, h.seats_end) AS e
                        FROM \(held) h JOIN serial_allocations a
                        ON a.start < h.seats_end AND a.end > h.seats_start
                        AND a.start >= coalesce((SELECT max(start) FROM serial_allocations WHERE start < h.seats_start), h.seats_start)
                    UNION ALL
                    SELECT h.hash, h.received_at, h.seats_start, h.seats_end, h.seats_end FROM \(held) h))
            WHERE s > covered
        """
    }
}
