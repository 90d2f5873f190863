import CSQLite
import Foundation
import Synchronization

/// Copies a file database's committed WAL pages back into the database file on a thread of its
/// own, through a second connection, so the connection that writes does not stop at a commit to
/// do it (SQLite's automatic checkpoint runs inside the `COMMIT` that crosses its threshold).
///
/// The writing connection's WAL hook asks for a checkpoint once the log holds `threshold` pages.
/// The checkpoint is `PASSIVE`: it never blocks the writer and only copies pages that are already
/// durable in the WAL, so a crash at any point loses nothing a commit acknowledged. Should the log
/// still grow to `limit` pages (the background thread starved of CPU, say), the writer checkpoints
/// inline as SQLite would have, which keeps the WAL bounded.
final class WALCheckpointer: Sendable {
    private struct State {
        var requested = false
        var stopping = false
        var completed: UInt64 = 0
        var failures: UInt64 = 0
    }

    let path: String
    let threshold: Int32
    let limit: Int32
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    init(path: String, threshold: Int32 = 1_000, limit: Int32 = 16_000) {
        self.path = path
        self.threshold = threshold
        self.limit = limit
        let thread = Thread { [self] in run() }
        thread.name = "tollgate-wal-checkpoint"
        thread.start()
    }

    /// Asks the thread for a checkpoint (called from the writer's WAL hook; never blocks).
    func request() {
        let wasIdle = state.withLock { state in
            defer { state.requested = true }
            return !state.requested
        }
        if wasIdle { wake.signal() }
    }

    /// Checkpoints done in the background so far, and those that failed (to be retried).
    var statistics: (completed: UInt64, failures: UInt64) {
        state.withLock { ($0.completed, $0.failures) }
    }

    /// Lets a requested checkpoint finish, then ends the thread and closes its connection.
    func stop() {
        state.withLock { $0.stopping = true }
        wake.signal()
        ended.wait()
    }

    private func run() {
        // The connection is made and used on this thread only.
        let connection = try? SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, faultInjector: nil)
        if let connection { sqlite3_busy_timeout(connection.handle, 1_000) }
        while true {
            wake.wait()
            let (requested, stopping) = state.withLock { state in
                defer { state.requested = false }
                return (state.requested, state.stopping)
            }
            if requested {
                // Without a connection every request fails; the writer's inline fallback bounds the WAL.
                let rc = connection.map { sqlite3_wal_checkpoint_v2($0.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) } ?? SQLITE_CANTOPEN
                state.withLock { rc == SQLITE_OK ? ($0.completed += 1) : ($0.failures += 1) }
            }
            if stopping { break }
        }
        ended.signal()
    }

    /// The WAL hook SQLite calls on the writing connection after each commit, with the log's size in pages.
    static let hook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = { context, db, name, pages in
        guard let context else { return SQLITE_OK }
        let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
        if pages >= checkpointer.limit {
            // Too far behind: copy back inline, as SQLite's own automatic checkpoint would.
            sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if pages >= checkpointer.threshold {
            checkpointer.request()
        }
        return SQLITE_OK
    }
}
