import Dispatch
import Foundation
import Synchronization
import TollgateNode

/// Owns a `LicensingNode` on one dedicated thread and runs the work that HTTP handler threads hand
/// it. Everything that queued up while the previous batch ran is committed in one transaction — a
/// group commit, one fsync for the batch — and each job runs in its own savepoint, so a refused job
/// changes nothing while the others in its batch still commit. A caller gets its answer only once
/// the batch is durable.
public final class NodeExecutor {
    /// Work on the node; its result or refusal is handed back to the caller.
    public typealias Work<T> = @Sendable (LicensingNode) throws(NodeError) -> T

    private final class Job {
        let run: (LicensingNode) throws -> Void
        let fail: (NodeError) -> Void
        let done = DispatchSemaphore(value: 0)

        init(run: @escaping (LicensingNode) throws -> Void, fail: @escaping (NodeError) -> Void) {
            self.run = run
            self.fail = fail
        }
    }

    private let node: LicensingNode
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var stopping = false
    private var batches: UInt64 = 0
    private var jobs: UInt64 = 0

    public init(node: LicensingNode) {
        self.node = node
        let thread = Thread { [self] in loop() }
        thread.name = "tollgate-node"
        thread.start()
    }

    /// Runs `work` on the node's thread inside the next group commit and waits until it is durable.
    public func perform<T: Sendable>(_ work: @escaping Work<T>) throws(NodeError) -> T {
        let outcome = Mutex<Result<T, NodeError>?>(nil)
        let job = Job(run: { node in
            do throws(NodeError) {
                let value = try work(node)
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
                throw error  // rolls back this job's savepoint
            }
        }, fail: { error in
            outcome.withLock { $0 = .failure(error) }
        })
        condition.lock()
        guard !stopping else {
            condition.unlock()
            throw NodeError(.storage, "the node is shutting down")
        }
        pending.append(job)
        condition.signal()
        condition.unlock()
        job.done.wait()
        return try outcome.withLock { $0 ?? .failure(NodeError(.storage, "the job did not run")) }.get()
    }

    /// Batches committed and jobs run so far.
    public var statistics: (batches: UInt64, jobs: UInt64) {
        condition.lock()
        defer { condition.unlock() }
        return (batches, jobs)
    }

    /// Lets queued work finish, then stops the thread; later calls are refused.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            let batch = pending
            pending.removeAll()
            let finished = stopping && batch.isEmpty
            condition.unlock()
            if finished { return }
            run(batch)
        }
    }

    private func run(_ batch: [Job]) {
        do {
            try node.store.transaction {
                for job in batch {
                    do {
                        try node.store.transaction { try job.run(node) }
                    } catch is NodeError {
                        // Already handed to the caller; the savepoint is rolled back.
                    } catch {
                        job.fail(NodeError(.storage, "\(error)"))
                    }
                }
            }
        } catch {
            node.discardCaches()
            for job in batch { job.fail(NodeError(.storage, "the batch could not be committed: \(error)")) }
        }
        condition.lock()
        batches += 1
        jobs += UInt64(batch.count)
        condition.unlock()
        for job in batch { job.done.signal() }
    }
}

// The node and its SQLite connection are only touched on the executor's own thread; every other
// field is guarded by `condition`.
extension NodeExecutor: @unchecked Sendable {}
