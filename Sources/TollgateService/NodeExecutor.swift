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
///
/// Sales are planned on this thread (serials, log position) and signed on all cores; the sales of
/// the next batch are planned before the current one is recorded (or, when it holds other work,
/// before it commits) and signed while it is written and waits for the disk.
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

    /// A batch whose sales are planned and being signed: the next batch, taken at the end of the
    /// open one's transaction and signed while it commits, or the current batch itself.
    private struct PreparedBatch {
        let batch: [Job]
        /// The plan or the refusal of each sale in `batch`, in order.
        let plans: [(job: Job, plan: Result<LicensePlan, NodeError>)]
        /// The plans that succeeded, in order.
        let planned: [LicensePlan]
        /// Their signatures, in order.
        let signing: LicenseSigning
    }

    private func loop() {
        var ahead: PreparedBatch?
        var retry: [Job]?
        while true {
            let batch: [Job]
            let prepared = ahead
            ahead = nil
            if let prepared {
                batch = prepared.batch
            } else if let again = retry {
                batch = again
                retry = nil
            } else if let next = takePending() {
                batch = next
            } else {
                ended.signal()
                return
            }
            let (committed, next) = run(batch, prepared: prepared)
            condition.lock()
            batches += 1
            jobs += UInt64(batch.count)
            condition.unlock()
            for job in batch { job.done.signal() }
            if let next {
                if committed {
                    ahead = next
                } else {
                    // Planned against a batch that did not commit: plan it again from what is stored.
                    _ = next.signing.wait()
                    retry = next.batch
                }
            }
        }
    }

    /// Waits for work and takes all that queued up; nil once stopping with nothing left.
    private func takePending() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && !stopping { condition.wait() }
        if pending.isEmpty { return nil }
        let batch = pending
        pending.removeAll()
        return batch
    }

    /// Runs `batch` in one transaction: its sales first, planned in order and signed on all cores
    /// (already when `prepared`), then its other work. It takes the next batch if one with sales
    /// queued up, plans those and starts signing them, so the signatures are made while this batch
    /// is recorded and committed: right after this batch's signatures are in when it holds only
    /// sales (the next is planned after its plans), otherwise once its other work has run.
    private func run(_ batch: [Job], prepared: PreparedBatch?) -> (committed: Bool, next: PreparedBatch?) {
        var next: PreparedBatch?
        do {
            try node.store.transaction {
                let sales = prepared ?? prepare(batch)
                let signatures = sales.signing.wait()
                // With only sales in this batch, the next one can be planned after this one's plans
                // already, and signed while they are recorded and committed.
                next = batch.allSatisfy(\.isSale) ? lookAhead(after: sales.planned) : nil
                let recordedAll = record(sales.plans, signatures: signatures)
                for job in batch where !job.isSale { runClosure(job) }
                if let early = next, !recordedAll {
                    // Planned after plans that were not recorded: plan it again from what is stored.
                    _ = early.signing.wait()
                    next = prepare(early.batch)
                } else if next == nil {
                    next = lookAhead()
                }
            }
            return (true, next)
        } catch {
            node.discardCaches()
            for job in batch { job.fail(NodeError(.storage, "the batch could not be committed: \(error)")) }
            return (false, next)
        }
    }

    private func runClosure(_ job: Job) {
        guard case .closure(let work) = job.work else { return }
        do {
            try node.store.transaction { try work(node) }
        } catch is NodeError {
            // Already handed to the caller; the savepoint is rolled back.
        } catch {
            job.fail(NodeError(.storage, "\(error)"))
        }
    }

    /// Plans the sales of `batch` one after another, each after `earlier`, those planned before it
    /// and everything already done in the open transaction, and starts signing them.
    private func prepare(_ batch: [Job], after earlier: [LicensePlan] = []) -> PreparedBatch {
        var sales: [(job: Job, request: LicenseRequest, at: Int64)] = []
        for job in batch {
            guard case .sale(let request, let now, _) = job.work else { continue }
            sales.append((job, request, now))
        }
        let plans = zip(sales, node.planIssues(sales.map { ($0.request, $0.at) }, after: earlier)).map { (job: $0.job, plan: $1) }
        let planned = plans.compactMap { try? $0.plan.get() }
        return PreparedBatch(batch: batch, plans: plans, planned: planned, signing: LicenseSigning(planned, with: node.identity.key))
    }

    /// Takes what queued up while this batch ran, if it holds sales, and prepares it. Nil when
    /// nothing with a sale is waiting.
    private func lookAhead(after earlier: [LicensePlan] = []) -> PreparedBatch? {
        condition.lock()
        let hasSale = pending.contains { $0.isSale }
        let batch = hasSale ? pending : []
        if hasSale { pending.removeAll() }
        condition.unlock()
        return hasSale ? prepare(batch, after: earlier) : nil
    }

    /// Answers refused sales and records the planned ones with their signatures, all or none;
    /// false when some plan was not recorded.
    private func record(_ plans: [(job: Job, plan: Result<LicensePlan, NodeError>)],
                        signatures: [Result<SignedLicense, NodeError>]) -> Bool {
        var deliveries: [(Result<LicenseFile, NodeError>) -> Void] = []
        var planned: [LicensePlan] = []
        for (job, plan) in plans {
            guard case .sale(_, _, let deliver) = job.work else { continue }
            switch plan {
            case .success(let made):
                planned.append(made)
                deliveries.append(deliver)
            case .failure(let refusal):
                deliver(.failure(refusal))
            }
        }
        guard !planned.isEmpty else { return true }
        var signed: [(plan: LicensePlan, license: SignedLicense)] = []
        for (plan, signature) in zip(planned, signatures) {
            switch signature {
            case .success(let license):
                signed.append((plan, license))
            case .failure(let error):
                // Every later plan counted on this one's log position: none of them can be recorded.
                for deliver in deliveries { deliver(.failure(error)) }
                return false
            }
        }
        do throws(NodeError) {
            let files = try node.record(signed)
            for (deliver, file) in zip(deliveries, files) { deliver(.success(file)) }
            return true
        } catch {
            for deliver in deliveries { deliver(.failure(error)) }
            return false
        }
    }
}

// The node and its SQLite connection are only touched on the executor's own thread; every other
// field is guarded by `condition`.
extension NodeExecutor: @unchecked Sendable {}
