import TollgateLedger

extension NodeSchema {
    /// Keeps, for every held certificate, the runs of its serials that no allocation covers, so a
    /// sale finds free serials (or learns a certificate is used up) with a few index probes instead
    /// of reading every allocation of the certificate, and a sale costs the same with one or a
    /// thousand certificates held, full or not.
    ///
    /// The runs are kept by triggers on `serial_allocations` and `held_certificates`, so they change
    /// in the same transaction as every allocation, whoever writes it (a return received frees the
    /// delegated serials by deleting and re-inserting rows). `overlaps_another` flags the held
    /// certificates that share serials with another held one, so the triggers find the certificates
    /// an allocation touches without scanning them all. A run of certificate `h` is a maximal
    /// range inside `h`'s seats covered by no allocation of any holder, as the old scan found them;
    /// `received_at` is `h`'s, copied so that runs can be walked in the order sales try certificates
    /// (oldest first), skipping used-up ones without reading them. The step fills the runs of the
    /// certificates a store already holds from its allocations. It also indexes the certificates
    /// by arrival, so the latest arrival (a sale's freshness check reads it) is one probe, not a
    /// scan of every certificate's chain.
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
        CREATE INDEX held_certificates_by_arrival ON held_certificates (received_at, hash);
        ALTER TABLE held_certificates ADD COLUMN overlaps_another INTEGER NOT NULL DEFAULT 0 CHECK (overlaps_another = 0 OR overlaps_another = 1);
        CREATE INDEX held_certificates_overlapping ON held_certificates (seats_start) WHERE overlaps_another = 1;
        UPDATE held_certificates SET overlaps_another = 1 WHERE EXISTS (
            SELECT 1 FROM held_certificates o WHERE o.hash <> held_certificates.hash
            AND o.seats_start < held_certificates.seats_end AND o.seats_end > held_certificates.seats_start);
        \(freeRunsInsert(of: "held_certificates"));
        CREATE TRIGGER held_certificates_add_free_runs AFTER INSERT ON held_certificates BEGIN
            UPDATE held_certificates SET overlaps_another = 1 WHERE seats_start < NEW.seats_end AND seats_end > NEW.seats_start AND EXISTS (
                SELECT 1 FROM held_certificates o WHERE o.hash <> NEW.hash AND o.seats_start < NEW.seats_end AND o.seats_end > NEW.seats_start);
            \(freeRunsInsert(of: "(SELECT NEW.hash AS hash, NEW.received_at AS received_at, NEW.seats_start AS seats_start, NEW.seats_end AS seats_end)"));
        END;
        CREATE TRIGGER held_certificates_drop_free_runs AFTER DELETE ON held_certificates BEGIN
            DELETE FROM serial_free_runs WHERE holder_hash = OLD.hash;
        END;
        CREATE TRIGGER serial_allocations_take_free_runs AFTER INSERT ON serial_allocations BEGIN
            INSERT INTO serial_free_runs (holder_hash, start, end, received_at)
                SELECT r.holder_hash, NEW.end, r.end, r.received_at FROM held_certificates h JOIN serial_free_runs r
                    ON r.holder_hash = h.hash AND r.start = (SELECT max(start) FROM serial_free_runs WHERE holder_hash = h.hash AND start < NEW.end)
                WHERE \(held("h.", overlapping: "NEW")) AND r.end > NEW.end;
            UPDATE serial_free_runs SET end = NEW.start
                WHERE (holder_hash, start) IN (
                    SELECT h.hash, (SELECT max(start) FROM serial_free_runs WHERE holder_hash = h.hash AND start < NEW.start)
                    FROM held_certificates h WHERE \(held("h.", overlapping: "NEW")))
                AND end > NEW.start;
            DELETE FROM serial_free_runs
                WHERE holder_hash IN (SELECT hash FROM held_certificates WHERE \(held("", overlapping: "NEW")))
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
                FROM held_certificates h WHERE \(held("h.", overlapping: "OLD"));
            DELETE FROM serial_free_runs
                WHERE (holder_hash, start) IN (
                    SELECT hash, min(seats_end, OLD.end) FROM held_certificates WHERE \(held("", overlapping: "OLD")));
        END;
        """)

    /// The condition that the held certificate (columns prefixed `prefix`) shares a serial with the
    /// allocation `row` (`NEW` or `OLD`), found with index probes rather than a scan of every held
    /// certificate: the one starting last at or before the allocation, those starting inside it,
    /// and those flagged as overlapping another held certificate (only these can reach the
    /// allocation from before the first; a parent delegates disjoint seats, so normally none is).
    static func held(_ prefix: String, overlapping row: String) -> String {
        let meets = "\(prefix)seats_start < \(row).end AND \(prefix)seats_end > \(row).start"
        return """
            ((\(prefix)seats_start >= coalesce((SELECT max(seats_start) FROM held_certificates WHERE seats_start <= \(row).start), \(row).start) \
            AND \(meets)) OR (\(prefix)overlaps_another = 1 AND \(meets)))
            """
    }

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
