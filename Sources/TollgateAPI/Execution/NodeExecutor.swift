import Dispatch
import Foundation
import Synchronization
import TollgateCertificates
import TollgateNode
import TollgateWire

/// Owns a `LicensingNode` on one dedicated thread and runs the work that HTTP handler threads hand
/// it. Everything that queued up while the previous batch ran is committed in one transaction — a
/// group commit, one fsync for the batch — and each job runs in its own savepoint, so a refused job
/// changes nothing while the others in its batch still commit. A caller gets its answer only once
/// the batch is durable.
///
/// Sales are planned on this thread (serials, log position) and signed on all cores; the sales of
/// the next batch are planned before the current one is recorded (or, when it holds other work,
/// before it commits) and signed while it is written and waits for the disk.
///
/// An inline executor (``init(inline:)``) runs each submitted job as its own batch on the caller's
/// thread, through the same plan, sign and record code, and signs there too: the simulator runs
/// dozens of nodes in one process, one call at a time each, and needs their answers in a
/// reproducible order without a thread hand-off per call.
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
    /// Signs the planned sales on every core, oldest batch first; nil when inline, which signs on the caller's thread.
    private let signers: SigningThreads?

    public init(node: LicensingNode) {
        self.node = node
        signers = SigningThreads()
        let thread = Thread { [self] in loop() }
        thread.name = "tollgate-node"
        thread.start()
    }

    /// An executor without threads of its own: each job runs, is signed and commits as one batch
    /// on the thread that submits it, which returns once it is durable. Its callers must submit
    /// one job at a time (it is the caller's thread that owns the node).
    public init(inline node: LicensingNode) {
        self.node = node
        signers = nil
        ended.signal()  // no thread to wait for at `stop()`
    }

    /// Whether jobs run on the caller's thread (``init(inline:)``).
    public var isInline: Bool { signers == nil }

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
        if isInline {
            condition.unlock()
            _ = run([job], prepared: nil)
            condition.lock()
            batches += 1
            jobs += 1
            condition.unlock()
            return
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

    /// Sales planned together and handed to the signing threads as one piece.
    private struct SaleChunk {
        /// The plan or the refusal of each sale, in order.
        let sales: [(job: Job, plan: Result<LicensePlan, NodeError>)]
        /// The signatures of the plans that succeeded, in their order.
        let signing: LicenseSigning
        /// Those plans, in their order: what later plans are placed behind (their serials, and the
        /// trials they give, which count against a customer's allowance before they are recorded).
        let plans: [LicensePlan]
    }

    /// A batch whose sales are planned and being signed: the next batch, taken at the end of the
    /// open one's transaction and signed while it commits, or the current batch itself.
    private struct PreparedBatch {
        var batch: [Job] = []
        /// The sales of `batch` in the chunks they were planned and handed to the signers in.
        var chunks: [SaleChunk] = []
        /// The plans that succeeded, in order.
        var plans: [LicensePlan] = []

        /// Waits until every planned sale is signed.
        func waitForSignatures() {
            for chunk in chunks { _ = chunk.signing.wait() }
        }
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
                signers?.stop()
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
                    next.waitForSignatures()
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
    /// sales, its chunks are recorded as their signatures come in, and what arrives meanwhile is
    /// planned behind the chunks not yet recorded at once, so the signing threads go straight on
    /// to it; the rest is taken once this batch's work is done.
    private func run(_ batch: [Job], prepared: PreparedBatch?) -> (committed: Bool, next: PreparedBatch?) {
        var next: PreparedBatch?
        do {
            try node.store.transaction {
                let sales = prepared ?? prepare(batch)
                let recordedAll = record(sales, planningArrivals: batch.allSatisfy(\.isSale), into: &next)
                for job in batch where !job.isSale { runClosure(job) }
                if let early = next, !recordedAll {
                    // Planned after plans that were not recorded: plan it again from what is stored.
                    early.waitForSignatures()
                    next = prepare(early.batch)
                } else {
                    // What arrived meanwhile is planned now, so it is signed while this batch commits.
                    next = lookAhead(extending: next)
                }
            }
            return (true, next)
        } catch {
            node.discardCaches()
            let failure = NodeError(storing: error, databasePath: node.store.database.path)
            for job in batch { job.fail(failure) }
            return (false, next)
        }
    }

    /// Records the chunks of `sales` in order as their signatures come in (together with the later
    /// chunks already signed by then), answering each sale; false when some plan was not recorded,
    /// and then no later one is. With `planningArrivals`, while the signatures of the next chunk are made,
    /// what queues up is planned into `next` behind the chunks not yet recorded.
    private func record(_ sales: PreparedBatch, planningArrivals: Bool, into next: inout PreparedBatch?) -> Bool {
        var start = sales.chunks.startIndex
        while start < sales.chunks.endIndex {
            if planningArrivals {
                next = planArrivals(until: sales.chunks[start].signing, behind: sales.chunks[start...], extending: next)
            }
            var end = start + 1
            while end < sales.chunks.endIndex && sales.chunks[end].signing.isFinished { end += 1 }
            if let failure = record(sales.chunks[start..<end]) {
                // Every later plan counted on the log positions of these: none of them can be recorded.
                for chunk in sales.chunks[end...] { answer(chunk, failure: failure) }
                return false
            }
            start = end
        }
        return true
    }

    /// Until `signing` is finished, takes what queues up once it holds a chunk of sales and plans
    /// it behind the plans of `open` (the chunks not yet recorded) and what was taken before it.
    /// A chunk keeps the store's reads shared by several plans; what arrives after `signing` is
    /// finished waits for the next chunk or for the end of this batch.
    private func planArrivals(until signing: LicenseSigning, behind open: ArraySlice<SaleChunk>,
                              extending next: PreparedBatch?) -> PreparedBatch? {
        var next = next
        var unrecorded: [LicensePlan]?
        while true {
            condition.lock()
            wakeAtSales = Self.signingChunk
            while !signing.isFinished && pendingSales < Self.signingChunk { condition.wait() }
            wakeAtSales = 1
            let arrived = pendingSales >= Self.signingChunk ? takeAllPending() : []
            condition.unlock()
            if arrived.isEmpty { return next }
            let earlier = unrecorded ?? open.flatMap(\.plans)
            unrecorded = earlier
            next = prepare(arrived, after: earlier, extending: next ?? PreparedBatch())
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
            job.fail(NodeError(storing: error, databasePath: node.store.database.path))
        }
    }

    /// Plans the sales of `batch` one after another, each after the unrecorded plans `earlier`,
    /// those of `extending`, those planned before it and everything already done in the open
    /// transaction, and hands them to the signing threads in chunks as they are planned; `batch`
    /// is added to `extending`.
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
            let plans = zip(chunk, node.planIssues(chunk.map { ($0.request, $0.at) }, after: earlier + prepared.plans))
                .map { (job: $0.job, plan: $1) }
            let planned = plans.compactMap { try? $0.plan.get() }
            let signing = LicenseSigning(planned, with: node.identity.key, recordingIn: node.store.verifiedSignatures.objects,
                                         onFinish: { [condition] in
                condition.lock()
                condition.signal()
                condition.unlock()
            })
            if let signers {
                signers.submit(signing)
            } else {
                while let index = signing.claim() { signing.sign(index) }
            }
            prepared.chunks.append(SaleChunk(sales: plans, signing: signing, plans: planned))
            prepared.plans += planned
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

    /// Answers the refused sales of `chunks` and records the planned ones with their signatures in
    /// one append, all or none; the error every planned one was answered with when they were not recorded.
    private func record(_ chunks: ArraySlice<SaleChunk>) -> NodeError? {
        var deliveries: [(Result<LicenseFile, NodeError>) -> Void] = []
        var signed: [(plan: LicensePlan, license: SignedLicense)] = []
        var failure: NodeError?
        for chunk in chunks {
            deliveries += answerRefusals(chunk)
            for (plan, signature) in zip(chunk.signing.plans, chunk.signing.wait()) {
                switch signature {
                case .success(let license): signed.append((plan, license))
                case .failure(let error): failure = failure ?? error
                }
            }
        }
        if failure == nil && !signed.isEmpty {
            do throws(NodeError) {
                let files = try node.record(signed)
                for (deliver, file) in zip(deliveries, files) { deliver(.success(file)) }
            } catch {
                failure = error
            }
        }
        if let failure {
            for deliver in deliveries { deliver(.failure(failure)) }
        }
        return failure
    }

    /// Answers every sale of `chunk`: the refused ones with their refusal, the planned ones with `failure`.
    private func answer(_ chunk: SaleChunk, failure: NodeError) {
        for deliver in answerRefusals(chunk) { deliver(.failure(failure)) }
    }

    /// Answers the refused sales of `chunk` and returns how to answer the planned ones, in order.
    private func answerRefusals(_ chunk: SaleChunk) -> [(Result<LicenseFile, NodeError>) -> Void] {
        var deliveries: [(Result<LicenseFile, NodeError>) -> Void] = []
        for (job, plan) in chunk.sales {
            guard case .sale(_, _, let deliver) = job.work else { continue }
            switch plan {
            case .success: deliveries.append(deliver)
            case .failure(let refusal): deliver(.failure(refusal))
            }
        }
        return deliveries
    }
}

// The node and its SQLite connection are only touched on the executor's own thread (inline: by its
// one caller at a time); every other field is guarded by `condition`.
extension NodeExecutor: @unchecked Sendable {}
