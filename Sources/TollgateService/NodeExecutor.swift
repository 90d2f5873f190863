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
    /// How many of `pending` are sales.
    private var pendingSales = 0
    /// The number of pending sales at which a new sale wakes the node's thread while it plans
    /// arrivals behind a batch being signed; any other job always wakes it.
    private var wakeAtSales = 1
    private var stopping = false
    private var batches: UInt64 = 0
    private var jobs: UInt64 = 0
    private let ended = DispatchSemaphore(value: 0)
    /// Wakes the callers of each committed batch, in order.
    private let wakeups = DispatchQueue(label: "tollgate-node-wakeups")
    /// Signs the planned sales on every core, oldest batch first.
    private let signers = SigningThreads()

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
        if job.isSale { pendingSales += 1 }
        if !job.isSale || pendingSales >= wakeAtSales { condition.signal() }
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
        var batch: [Job] = []
        /// The plan or the refusal of each sale in `batch`, in order.
        var plans: [(job: Job, plan: Result<LicensePlan, NodeError>)] = []
        /// The plans that succeeded, in order.
        var planned: [LicensePlan] = []
        /// Their signatures, in order, in chunks handed to the signing threads as they were planned.
        var signings: [LicenseSigning] = []

        /// Whether every planned sale is signed.
        var isSigned: Bool { signings.allSatisfy(\.isFinished) }

        /// Waits for every signature; they are in the order of `planned`.
        func signatures() -> [Result<SignedLicense, NodeError>] { signings.flatMap { $0.wait() } }
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
                wakeups.sync {}  // every caller has its answer before `stop()` returns
                signers.stop()
                ended.signal()
                return
            }
            let (committed, next) = run(batch, prepared: prepared)
            condition.lock()
            batches += 1
            jobs += UInt64(batch.count)
            condition.unlock()
            // Waking the callers is left to another thread: this one goes straight on to the next batch.
            let waiting = batch.map(\.done)
            wakeups.async { for caller in waiting { caller.signal() } }
            if let next {
                if committed {
                    ahead = next
                } else {
                    // Planned against a batch that did not commit: plan it again from what is stored.
                    _ = next.signatures()
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
        return pending.isEmpty ? nil : takeAllPending()
    }

    /// Runs `batch` in one transaction: its sales first, planned in order and signed on all cores
    /// (already when `prepared`), then its other work. What queues up meanwhile becomes the next
    /// batch, planned and handed to the signing threads before this one commits, so its signatures
    /// are made while this batch is written and waits for the disk. When this batch holds only
    /// sales, what arrives while its signatures are made is planned behind its plans at once, so
    /// the signing threads go straight on to it; the rest is taken once this batch's work is done.
    private func run(_ batch: [Job], prepared: PreparedBatch?) -> (committed: Bool, next: PreparedBatch?) {
        var next: PreparedBatch?
        do {
            try node.store.transaction {
                let sales = prepared ?? prepare(batch)
                let onlySales = batch.allSatisfy(\.isSale)
                if onlySales { next = planArrivals(behind: sales) }
                let recordedAll = record(sales.plans, signatures: sales.signatures())
                for job in batch where !job.isSale { runClosure(job) }
                if let early = next, !recordedAll {
                    // Planned after plans that were not recorded: plan it again from what is stored.
                    _ = early.signatures()
                    next = prepare(early.batch)
                } else {
                    // What arrived meanwhile is planned now, so it is signed while this batch commits.
                    next = lookAhead(extending: next)
                }
            }
            return (true, next)
        } catch {
            node.discardCaches()
            for job in batch { job.fail(NodeError(.storage, "the batch could not be committed: \(error)")) }
            return (false, next)
        }
    }

    /// Until `open`'s sales are signed, takes what queues up once it holds a chunk of sales and
    /// plans it behind `open` and what was taken before it; nil when nothing was taken. A chunk
    /// keeps the store's reads shared by several plans; what arrives after the last chunk is
    /// taken once this batch is recorded.
    private func planArrivals(behind open: PreparedBatch) -> PreparedBatch? {
        var next: PreparedBatch?
        while true {
            condition.lock()
            wakeAtSales = Self.signingChunk
            while !open.isSigned && pendingSales < Self.signingChunk { condition.wait() }
            wakeAtSales = 1
            let arrived = open.isSigned ? [] : takeAllPending()
            condition.unlock()
            if arrived.isEmpty { return next }
            next = prepare(arrived, after: open.planned, extending: next ?? PreparedBatch())
        }
    }

    /// Empties `pending`; the caller holds `condition`'s lock.
    private func takeAllPending() -> [Job] {
        let taken = pending
        pending.removeAll()
        pendingSales = 0
        return taken
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

    /// Plans the sales of `batch` one after another, each after `earlier`, those of `extending`,
    /// those planned before it and everything already done in the open transaction, and hands
    /// them to the signing threads in chunks as they are planned; `batch` is added to `extending`.
    private func prepare(_ batch: [Job], after earlier: [LicensePlan] = [],
                         extending prepared: PreparedBatch = PreparedBatch()) -> PreparedBatch {
        var prepared = prepared
        prepared.batch += batch
        let sales: [(job: Job, request: LicenseRequest, at: Int64)] = batch.compactMap { job in
            guard case .sale(let request, let now, _) = job.work else { return nil }
            return (job, request, now)
        }
        var start = sales.startIndex
        while start < sales.endIndex {
            let chunk = sales[start..<min(start + Self.signingChunk, sales.endIndex)]
            start = chunk.endIndex
            let plans = zip(chunk, node.planIssues(chunk.map { ($0.request, $0.at) }, after: earlier + prepared.planned))
                .map { (job: $0.job, plan: $1) }
            let planned = plans.compactMap { try? $0.plan.get() }
            let signing = LicenseSigning(planned, with: node.identity.key, onFinish: { [condition] in
                condition.lock()
                condition.signal()
                condition.unlock()
            })
            signers.submit(signing)
            prepared.plans += plans
            prepared.planned += planned
            prepared.signings.append(signing)
        }
        return prepared
    }

    /// Sales planned before their signing starts: small enough that the signing threads do not
    /// wait long for the first, large enough that a batch is not split into many pieces.
    private static let signingChunk = 16

    /// Takes what queued up while this batch ran, if it holds sales, and prepares it behind
    /// `prepared`; `prepared` as it is when nothing with a sale is waiting.
    private func lookAhead(extending prepared: PreparedBatch?) -> PreparedBatch? {
        condition.lock()
        let hasSale = pendingSales > 0
        let batch = hasSale ? takeAllPending() : []
        condition.unlock()
        return hasSale ? prepare(batch, extending: prepared ?? PreparedBatch()) : prepared
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
