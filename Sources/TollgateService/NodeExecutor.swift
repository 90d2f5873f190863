import Dispatch
import Foundation
import Synchronization
import TollgateCertificates
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
        enum Work {
            /// Any work on the node, in its own savepoint.
            case closure((LicensingNode) throws -> Void)
            /// A sale, planned on the node's thread, signed on all cores, then recorded.
            case sale(LicenseRequest, at: Int64, deliver: (Result<LicenseFile, NodeError>) -> Void)
        }

        let work: Work
        let fail: (NodeError) -> Void
        let done = DispatchSemaphore(value: 0)

        init(work: Work, fail: @escaping (NodeError) -> Void) {
            self.work = work
            self.fail = fail
        }

        var isSale: Bool {
            if case .sale = work { return true }
            return false
        }
    }

    private let node: LicensingNode
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var stopping = false
    private var batches: UInt64 = 0
    private var jobs: UInt64 = 0
    private let ended = DispatchSemaphore(value: 0)

    public init(node: LicensingNode) {
        self.node = node
        let thread = Thread { [self] in loop() }
        thread.name = "tollgate-node"
        thread.start()
    }

    /// Runs `work` on the node's thread inside the next group commit and waits until it is durable.
    public func perform<T: Sendable>(_ work: @escaping Work<T>) throws(NodeError) -> T {
        let outcome = Mutex<Result<T, NodeError>?>(nil)
        let job = Job(work: .closure({ node in
            do throws(NodeError) {
                let value = try work(node)
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
                throw error  // rolls back this job's savepoint
            }
        }), fail: { error in
            outcome.withLock { $0 = .failure(error) }
        })
        try submit(job)
        return try outcome.withLock { $0 ?? .failure(NodeError(.storage, "the job did not run")) }.get()
    }

    /// Issues a license as `LicensingNode.issue` does, and waits until it is durable. Sales that
    /// queue up together are planned one after another on the node's thread, signed on all cores
    /// at once, and recorded in their order in the same group commit.
    public func issue(_ request: LicenseRequest, at now: Int64) throws(NodeError) -> LicenseFile {
        let outcome = Mutex<Result<LicenseFile, NodeError>?>(nil)
        let job = Job(work: .sale(request, at: now, deliver: { result in outcome.withLock { $0 = result } }),
                      fail: { error in outcome.withLock { $0 = .failure(error) } })
        try submit(job)
        return try outcome.withLock { $0 ?? .failure(NodeError(.storage, "the sale was not run")) }.get()
    }

    private func submit(_ job: Job) throws(NodeError) {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            throw NodeError(.storage, "the node is shutting down")
        }
        pending.append(job)
        condition.signal()
        condition.unlock()
        job.done.wait()
    }

    /// Batches committed and jobs run so far.
    public var statistics: (batches: UInt64, jobs: UInt64) {
        condition.lock()
        defer { condition.unlock() }
        return (batches, jobs)
    }

    /// Lets queued work finish, then stops the thread and waits until it has ended; later calls are refused.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        ended.wait()
        ended.signal()  // so that a second `stop()` returns too
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            let batch = pending
            pending.removeAll()
            let finished = stopping && batch.isEmpty
            condition.unlock()
            if finished {
                ended.signal()
                return
            }
            run(batch)
        }
    }

    private func run(_ batch: [Job]) {
        do {
            try node.store.transaction {
                var index = 0
                while index < batch.count {
                    if case .closure(let work) = batch[index].work {
                        do {
                            try node.store.transaction { try work(node) }
                        } catch is NodeError {
                            // Already handed to the caller; the savepoint is rolled back.
                        } catch {
                            batch[index].fail(NodeError(.storage, "\(error)"))
                        }
                        index += 1
                    } else {
                        var end = index
                        while end < batch.count, batch[end].isSale { end += 1 }
                        runSales(batch[index..<end])
                        index = end
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

    /// Plans consecutive sales in order, signs them on all cores, and records those that were
    /// planned and signed. A refused sale changes nothing; if recording fails, none of these sales is
    /// recorded, while the rest of the batch stands.
    private func runSales(_ sales: ArraySlice<Job>) {
        var planned: [(plan: LicensePlan, deliver: (Result<LicenseFile, NodeError>) -> Void)] = []
        for job in sales {
            guard case .sale(let request, let now, let deliver) = job.work else { continue }
            do {
                planned.append((try node.planIssue(request, at: now, after: planned.map(\.plan)), deliver))
            } catch {
                deliver(.failure(error))
            }
        }
        guard !planned.isEmpty else { return }
        var signed: [(plan: LicensePlan, license: SignedLicense)] = []
        for (item, result) in zip(planned, LicensePlan.signAll(planned.map(\.plan), with: node.identity.key)) {
            switch result {
            case .success(let license):
                signed.append((item.plan, license))
            case .failure(let error):
                // Every later plan counted on this one's log position: none of them can be recorded.
                for later in planned { later.deliver(.failure(error)) }
                return
            }
        }
        do throws(NodeError) {
            let files = try node.record(signed)
            for (item, file) in zip(planned, files) { item.deliver(.success(file)) }
        } catch {
            for item in planned { item.deliver(.failure(error)) }
        }
    }
}

// The node and its SQLite connection are only touched on the executor's own thread; every other
// field is guarded by `condition`.
extension NodeExecutor: @unchecked Sendable {}
