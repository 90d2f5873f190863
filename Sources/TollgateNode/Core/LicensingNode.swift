import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateWire

/// The node's logic, free of I/O: time comes in as arguments, ids from an injected source and
/// storage through `NodeStore`, so the same code runs behind the HTTP server, in the CLI and in the
/// simulator. Not thread-safe: one owner (a serial queue or actor) drives it.
///
/// The node is the public face of its parts, one job each, which share the node's identity, store
/// and ids through one ``NodeContext``; every public method forwards to the part that does the job:
///
/// | Job | Part |
/// |---|---|
/// | held certificates and their cache | ``CertificateHoldings`` |
/// | delegating to children | ``Delegator`` |
/// | free serials | ``SerialAllocator`` |
/// | planning and recording sales | ``SalePlanner`` (``PlanningReads``) |
/// | renewals | ``Renewals`` |
/// | orders: bulk issues and renewals, idempotent by order id | ``OrderBatch``, ``OrderBook`` |
/// | upgrades, downgrades, add-ons, conversions | ``LicenseChanges`` |
/// | machines: activation, emergency, deactivation, license status | ``MachineDesk`` |
/// | refused attempts to take a seat, logged as evidence under an hourly cap | ``RefusedAttempts`` |
/// | floating seats: leases, heartbeats, releases, borrows; a site's binding | ``LeaseDesk`` |
/// | a closed site's log carried out as a file, and taken in by its agent | ``SiteLogs`` |
/// | quota returns, sent and received | ``QuotaReturns`` |
/// | revocations, issued and received | ``Revocations`` |
/// | the node's own log: checkpoints, entries, proofs | ``NodeLog`` |
/// | when the parent was last heard from, `sync_within` | ``SyncFreshness`` |
/// | the child's side of sync: push, acknowledgements, pull | ``ChildSync`` |
/// | who may call as a child | ``ChildAuthentication`` |
/// | the parent's side of sync: push, pull answers | ``ParentSync`` |
/// | one descendant segment: checks, witnessing, returns it carries | ``SegmentAcceptance`` |
/// | reading mirrored descendant logs | ``MirroredLogs`` |
/// | audit, observations, reports | ``NodeAudit`` |
/// | listings of what is stored | ``NodeRecords`` |
/// | webhooks: registrations, the outbox of events, delivery attempts | ``WebhookDesk``, ``WebhookOutbox`` |
public final class LicensingNode {
    public let identity: NodeIdentity
    public let store: NodeStore
    let context: NodeContext
    let holdings: CertificateHoldings
    let delegator: Delegator
    let sales: SalePlanner
    let renewals: Renewals
    let orders: OrderBook
    let batches: OrderBatch
    let changes: LicenseChanges
    let machines: MachineDesk
    let refusals: RefusedAttempts
    let leases: LeaseDesk
    let siteLogs: SiteLogs
    let returns: QuotaReturns
    let revocations: Revocations
    let transfers: CustomerTransfers
    let log: NodeLog
    let freshness: SyncFreshness
    let childSync: ChildSync
    let childAuthentication: ChildAuthentication
    let parentSync: ParentSync
    let mirrors: MirroredLogs
    let auditing: NodeAudit
    let records: NodeRecords

    /// The serial space the root delegates from.
    public static let rootSerialSpace = SerialAllocator.rootSpace

    public init(identity: NodeIdentity, store: NodeStore, ids: IdentifierSource = .secureRandom) {
        self.identity = identity
        self.store = store
        let context = NodeContext(identity: identity, store: store, ids: ids)
        let holdings = CertificateHoldings(context: context)
        let serials = SerialAllocator(context: context)
        let freshness = SyncFreshness(context: context)
        let log = NodeLog(context: context)
        let returns = QuotaReturns(context: context, holdings: holdings)
        let revocations = Revocations(context: context, holdings: holdings)
        self.context = context
        self.holdings = holdings
        self.delegator = Delegator(context: context, holdings: holdings, serials: serials)
        self.sales = SalePlanner(context: context, holdings: holdings, serials: serials, freshness: freshness)
        self.renewals = Renewals(context: context, holdings: holdings, freshness: freshness)
        self.orders = OrderBook(context: context, holdings: holdings)
        self.batches = OrderBatch(context: context, sales: sales, renewals: renewals, book: orders)
        self.changes = LicenseChanges(context: context, holdings: holdings, freshness: freshness)
        let machines = MachineDesk(context: context, holdings: holdings)
        self.machines = machines
        self.refusals = RefusedAttempts(context: context)
        self.leases = LeaseDesk(context: context, holdings: holdings, machines: machines)
        self.returns = returns
        self.revocations = revocations
        self.transfers = CustomerTransfers(context: context)
        self.log = log
        self.siteLogs = SiteLogs(context: context, log: log)
        self.freshness = freshness
        self.childSync = ChildSync(context: context, log: log, holdings: holdings, revocations: revocations)
        self.childAuthentication = ChildAuthentication(context: context)
        self.parentSync = ParentSync(context: context, log: log, segments: SegmentAcceptance(context: context, returns: returns))
        self.mirrors = MirroredLogs(context: context)
        self.auditing = NodeAudit(context: context, log: log)
        self.records = NodeRecords(context: context)
    }

    // MARK: Certificates (CertificateHoldings, Delegator)

    /// Takes a certificate delegated to this node, after verifying its whole chain. Accepting the
    /// same certificate twice changes nothing.
    @discardableResult
    public func accept(chain: [String], at now: Int64) throws(NodeError) -> HeldCertificate {
        try holdings.accept(chain: chain, at: now)
    }

    public func heldCertificates() throws(NodeError) -> [HeldCertificate] {
        try holdings.heldCertificates()
    }

    /// Forgets what the node caches from its store; the executor calls it when a batch it already
    /// ran could not be committed.
    public func discardCaches() {
        holdings.discardCache()
        context.decodedLogs.discard()
    }

    /// Carves a child certificate out of a held one (or, at the root, out of the whole serial space),
    /// refusing serials already handed out and any limit the parent does not allow.
    public func delegate(_ request: DelegationRequest, at now: Int64) throws(NodeError) -> CertificateChain {
        try delegator.delegate(request, at: now)
    }

    // MARK: Sales (SalePlanner, Renewals)

    /// Records a sale as a license under a held certificate, on serials never handed out before.
    public func issue(_ request: LicenseRequest, at now: Int64) throws(NodeError) -> LicenseFile {
        try sales.issue(request, at: now)
    }

    /// Checks a sale against the held certificates and places it: serials that are free and not in
    /// `earlier` (plans not yet recorded), and the log position after theirs. Changes nothing.
    public func planIssue(_ request: LicenseRequest, at now: Int64, after earlier: [LicensePlan] = []) throws(NodeError) -> LicensePlan {
        try sales.planIssue(request, at: now, after: earlier)
    }

    /// Plans `sales` in their order as ``planIssue(_:at:after:)`` does, each after `earlier` and
    /// those planned before it, reading what the plans share from the store once for all of them.
    public func planIssues(_ sales: [(request: LicenseRequest, at: Int64)], after earlier: [LicensePlan] = []) -> [Result<LicensePlan, NodeError>] {
        self.sales.planIssues(sales, behind: earlier.map { $0.payload.seats }, earlierTrials: SalePlanner.trialCounts(earlier),
                              earlierOrders: Set(earlier.compactMap(\.order?.id)))
    }

    /// Appends signed plans to the log in their order, with their license and serial rows, all or
    /// none. Refused, changing nothing, when the log is not where the first plan expects it.
    public func record(_ signed: [(plan: LicensePlan, license: SignedLicense)]) throws(NodeError) -> [LicenseFile] {
        try sales.record(signed)
    }

    /// Extends a subscription (or trial) with a new license for the same customer and serials. It
    /// names the first license of the lineage in `renews`, so existing activations stay valid.
    public func renew(licenseHash: String, exp: Int64, price: Price? = nil, at now: Int64) throws(NodeError) -> LicenseFile {
        try renewals.renew(licenseHash: licenseHash, exp: exp, price: price, at: now)
    }

    // MARK: Orders (OrderBatch, OrderBook)

    /// Issues the sales of `requests`, each naming its order id, all or none: every row is checked
    /// first, and if any is bad nothing is issued and `batch_refused` names every bad row
    /// (``NodeError/rows``). An order already issued with the same terms is answered `existing`
    /// with its license and issues nothing; with other terms it is a bad row (`order_conflict`).
    public func issueOrders(_ requests: [LicenseRequest], at now: Int64) throws(NodeError) -> [OrderOutcome] {
        try batches.issue(requests, at: now)
    }

    /// Renews as ``issueOrders(_:at:)`` issues: each row names its order id and the license (an id
    /// `resolve` turns into the whole hash), all or none.
    public func renewOrders(_ requests: [RenewalRequest], at now: Int64,
                            resolve: (String) throws(NodeError) -> String) throws(NodeError) -> [OrderOutcome] {
        try batches.renew(requests, at: now, resolve: resolve)
    }

    /// The license a sale's order was issued as, when `request` names an order already issued with
    /// the same terms; nil when it names none or one not issued; order_conflict for other terms.
    public func existingOrder(_ request: LicenseRequest) throws(NodeError) -> OrderOutcome? {
        guard let order = try OrderTerms(request) else { return nil }
        return try orders.existing(order, kind: .issue)
    }

    /// Upgrades or downgrades, adds to or converts the license `licenseHash` (or any license of
    /// its lineage): a new license that follows the lineage's newest, signed by this node, which
    /// must have issued it. Upgrades pay at least the feature floors of what they add; trials
    /// convert to a paid license that keeps the trial's activations. Changes nothing when refused.
    public func change(licenseHash: String, _ request: LicenseChangeRequest, at now: Int64) throws(NodeError) -> LicenseFile {
        try changes.change(licenseHash: licenseHash, request, at: now)
    }

    // MARK: Machines (MachineDesk)

    /// How far an online machine request's `iat` may be from the node's clock.
    public static let machineRequestWindow: Int64 = MachineDesk.onlineRequestWindow
    /// How old an offline request file may be when an operator answers it (it travels by hand).
    public static let offlineRequestWindow: Int64 = MachineDesk.offlineRequestWindow
    /// How long an emergency activation for a failed machine lasts when its certificate sets no
    /// limits (`EmergencyLimits.defaults`).
    public static let emergencyDuration: Int64 = EmergencyLimits.defaults.maxSeconds

    /// Handles a machine's signed request (activate, deactivate or emergency), online or from an
    /// offline request file. The seat rules: one active machine per serial, activation country inside
    /// the license's territory, license valid now and not revoked.
    /// A refusal changes nothing stored but its record in the log (see ``answerMachineRequest(_:at:offline:)``).
    public func handleMachineRequest(_ compact: String, at now: Int64, offline: Bool = false) throws(NodeError) -> ActivationReceipt {
        try answerMachineRequest(compact, at: now, offline: offline).get()
    }

    /// ``handleMachineRequest(_:at:offline:)`` with its refusal as a value, not thrown: what the
    /// executor runs, since a job that throws is rolled back, and the refusal's record (a signed
    /// `activation-refused` entry, capped per hour; ``RefusedAttempts``) must stay.
    public func answerMachineRequest(_ compact: String, at now: Int64, offline: Bool = false) -> Result<ActivationReceipt, NodeError> {
        refusals.answer(compact, attempt: .activation, at: now) { () throws(NodeError) in
            try machines.handleMachineRequest(compact, at: now, offline: offline)
        }
    }

    /// The most refused attempts a node logs one by one per hour; past it they are counted and
    /// logged as one summary for the hour.
    public static let refusalsLoggedPerHour: UInt64 = RefusedAttempts.loggedPerHour

    /// What this node knows of a license it issued: its latest renewal, whether it verifies now and
    /// how many of its seats are in use.
    public func licenseStatus(hash: String, at now: Int64) throws(NodeError) -> LicenseStatusReport {
        try machines.licenseStatus(hash: hash, at: now)
    }

    // MARK: Floating seats (LeaseDesk)

    /// How long after its end a lease can still be brought back by its machine's heartbeat, while
    /// no other machine holds its serial.
    public static let leaseResurrectionWindow: Int64 = LeaseDesk.resurrectionWindow

    /// Handles a machine's signed lease request (`lease`, `heartbeat`, `release`, `borrow`) for a
    /// floating license this node issued or serves as a site: never more unexpired leases than the
    /// license has serials, each stored and logged before it is answered.
    /// A request refused because every seat is leased is an over-leasing attempt, logged as an
    /// activation refusal (``answerLeaseRequest(_:at:)``).
    public func handleLeaseRequest(_ compact: String, at now: Int64) throws(NodeError) -> LeaseReceipt {
        try answerLeaseRequest(compact, at: now).get()
    }

    /// ``handleLeaseRequest(_:at:)`` with its refusal as a value, for the executor (see ``answerMachineRequest(_:at:offline:)``).
    public func answerLeaseRequest(_ compact: String, at now: Int64) -> Result<LeaseReceipt, NodeError> {
        refusals.answer(compact, attempt: .lease, at: now) { () throws(NodeError) in try leases.handleLeaseRequest(compact, at: now) }
    }

    /// At a site node: takes the issuing agent's receipt of this node's site activation (online or
    /// from a response file), after verifying it to the trust anchor, and serves the license's leases
    /// from then on. Taking the same receipt twice changes nothing.
    @discardableResult
    public func bindSite(_ receipt: ActivationReceipt, at now: Int64) throws(NodeError) -> SignedActivation {
        try leases.bindSite(receipt, at: now)
    }

    /// Every lease this node signed, with when it ended early (released or replaced).
    public func leaseRecords() throws(NodeError) -> [NodeStore.StoredLease] {
        try context.storage { try store.leases() }
    }

    /// At a site: its whole log with a checkpoint it signs, for an operator to carry to the agent.
    public func exportSiteLog(at now: Int64) throws(NodeError) -> SiteLogExport {
        try siteLogs.export(at: now)
    }

    /// At the issuing agent: takes a bound site's exported log after checking it against the site's
    /// key and its checkpoint, logging its leases and releases in this node's log (from where they
    /// sync up). A file taken twice adds nothing; one that rewrites an entry taken before is refused
    /// and nothing is stored. Answers how many entries were new.
    @discardableResult
    public func ingestSiteLog(_ export: SiteLogExport, at now: Int64) throws(NodeError) -> Int {
        try siteLogs.ingest(export, at: now)
    }

    // MARK: Returns and revocations (QuotaReturns, Revocations)

    /// Hands `seats` (free serials of a held certificate) back to the parent. The node never uses
    /// them again; the return travels to the parent with the next sync.
    public func returnQuota(_ seats: SerialRange, certificateHash: String? = nil, at now: Int64) throws(NodeError) -> SignedQuotaReturn {
        try returns.returnQuota(seats, certificateHash: certificateHash, at: now)
    }

    /// Takes a child's quota return: from then on the serials may be delegated again. Receiving the
    /// same return twice changes nothing.
    public func receiveReturn(_ compact: String, at now: Int64) throws(NodeError) {
        try returns.receiveReturn(compact, at: now)
    }

    /// Revokes a certificate this node delegated: licenses issued under it from `effective` on are
    /// invalid, earlier ones stay valid.
    public func revoke(certificateHash: String, effective: Int64? = nil, reason: String, at now: Int64) throws(NodeError) -> SignedRevocation {
        try revocations.revoke(certificateHash: certificateHash, effective: effective, reason: reason, at: now)
    }

    /// Revokes one license this node issued, or one its descendants issued (found in their logs it
    /// mirrors), given by its hash or a unique prefix: a refund, a fraud or a chargeback. From
    /// `effective` (default now) on, the issuer refuses its activations and renewals and verifiers
    /// holding the revocation refuse it; activations made before stay in the log. The revocation
    /// names the lineage's first license, so it covers every renewal. `reason` is `refund`, `fraud`
    /// or `chargeback` (``Revocation/LicenseReason``).
    public func revoke(license: String, effective: Int64? = nil, reason: String, at now: Int64) throws(NodeError) -> SignedRevocation {
        try revocations.revoke(license: license, effective: effective, reason: reason, at: now)
    }

    /// Moves licenses of this node's subtree from customer `from` to customer `to` (a merger, an
    /// acquisition, a renamed company), signed by this node, the licenses' issuer or an ancestor.
    /// `licenses` are ids (whole or unique prefixes) of licenses `from` holds; none moves every
    /// license `from` holds here (a merge). The licenses stay as they are: machines go on verifying
    /// them; this node's renewals name the new customer, and reports read it from the transfer on.
    /// A license of another customer or a revoked one refuses the whole transfer. A merge of more
    /// than ``ObjectLimits/maxListCount`` licenses is several transfers, logged together.
    public func transferCustomer(from: String, to: String, licenses: [String] = [], at now: Int64) throws(NodeError) -> [SignedCustomerTransfer] {
        try transfers.transfer(from: from, to: to, licenses: licenses, at: now)
    }

    /// Takes a revocation from an ancestor that concerns this node's chain (or a license of its
    /// subtree), after checking who signed it.
    public func receiveRevocation(_ compact: String, at now: Int64) throws(NodeError) {
        try revocations.receiveRevocation(compact, at: now)
    }

    // MARK: The log (NodeLog)

    /// The C2SP origin line of this node's log; also the name its checkpoints are signed under.
    public var logOrigin: String { log.origin }

    /// A signed checkpoint of the log as it is now (the stored one if the log has not grown).
    public func signCheckpoint(at now: Int64) throws(NodeError) -> SignedCheckpoint {
        try log.signCheckpoint(at: now)
    }

    /// The checkpoint signed and recorded last, if any: what the node can still publish while its
    /// store cannot record a new one (a full disk, a read-only directory), since the log extends it.
    public func latestCheckpoint() throws(NodeError) -> SignedCheckpoint? {
        try log.latestCheckpoint()
    }

    public func logSize() throws(NodeError) -> UInt64 {
        try log.size()
    }

    public func logEntries(in range: Range<UInt64>) throws(NodeError) -> [LogEntry] {
        try log.entries(in: range)
    }

    public func inclusionProof(index: UInt64, size: UInt64) throws(NodeError) -> [[UInt8]] {
        try log.inclusionProof(index: index, size: size)
    }

    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws(NodeError) -> [[UInt8]] {
        try log.consistencyProof(from: oldSize, to: newSize)
    }

    // MARK: Sync, child side (SyncFreshness, ChildSync)

    /// When this node last heard from its parent: a successful sync or a certificate received.
    /// An honest node refuses to issue once that is older than its certificate's `sync_within`.
    public func lastParentContact() throws(NodeError) -> Int64? {
        try freshness.lastParentContact()
    }

    /// Signs a request to the parent.
    public func signRequest(method: String, target: String, body: [UInt8], at now: Int64) throws(NodeError) -> RequestSignature {
        try childSync.signRequest(method: method, target: target, body: body, at: now)
    }

    /// The next push for the parent, within `budget`: this node's entries since the parent's
    /// acknowledged size with a checkpoint at their end (and, when the budget cuts them short of
    /// the log's end, a fresh checkpoint of the whole log as the segment's head), then the
    /// descendant logs it mirrors, relayed verbatim, parents first, each cut at a size the
    /// descendant signed. A backlog goes up as several pushes, each acknowledged before the next.
    /// An hour that left refusals out gets its summary logged first, so a flood that stopped still
    /// reaches the parent with its counts.
    public func makePush(at now: Int64, budget: PushBudget = .standard) throws(NodeError) -> PushRequest {
        try refusals.closeHours(before: now)
        return try childSync.makePush(at: now, budget: budget)
    }

    /// Records what the parent acknowledged, durably, before anything else is pushed; an
    /// acknowledgement of this node's whole segment is a successful sync (contact with the parent).
    /// True when another push should follow at once: this one moved entries and the budget left some
    /// of this node's log, or of a descendant's, behind.
    @discardableResult
    public func recordPushResponse(_ response: PushResponse, pushed: PushRequest, at now: Int64) throws(NodeError) -> Bool {
        try childSync.recordPushResponse(response, pushed: pushed, at: now)
    }

    public func recordSyncFailure(_ reason: String, at now: Int64) throws(NodeError) {
        try childSync.recordSyncFailure(reason, at: now)
    }

    /// Takes what the parent sent: new or topped-up certificates, and revocations in this node's chain.
    public func receivePull(_ response: PullResponse, at now: Int64) throws(NodeError) {
        try childSync.receivePull(response, at: now)
    }

    /// Where the next pull from the parent starts (`GET /v1/sync/pull?from=`): saved with each page
    /// that names a next one, so a round cut off, or a restart, resumes there instead of at 0.
    public func pullCursor() throws(NodeError) -> UInt64 {
        try childSync.pullCursor()
    }

    // MARK: Sync, parent side (ChildAuthentication, ParentSync, MirroredLogs)

    /// Checks a node-signed request: the caller must be a direct child, the time inside the window
    /// and the nonce new. Returns the caller.
    public func authenticateChild(_ signature: RequestSignature, method: String, target: String, body: [UInt8],
                                  at now: Int64) throws(NodeError) -> Descendant {
        try childAuthentication.authenticate(signature, method: method, target: target, body: body, at: now)
    }

    /// Checks what the headers of a node-signed request show before its body has arrived: the caller
    /// is a direct child, the time is inside the window and the nonce is unused. Records nothing; the
    /// whole request still goes through ``authenticateChild(_:method:target:body:at:)``. Lets the server
    /// refuse a stranger's or a replayed upload without reading (or buffering) its body.
    public func checkChildRequestHead(_ signature: RequestSignature, at now: Int64) throws(NodeError) -> Descendant {
        try childAuthentication.checkHead(signature, at: now)
    }

    /// Stores a child's push: every segment is checked against the node's key, its signed
    /// checkpoint and what this node already holds of that log; each accepted checkpoint is
    /// witnessed in this node's own log. A segment that contradicts held entries is refused and
    /// recorded as a log equivocation finding.
    public func receivePush(_ push: PushRequest, from child: Descendant, at now: Int64) throws(NodeError) -> PushResponse {
        try parentSync.receivePush(push, from: child, at: now)
    }

    /// What this node has for a child: its certificates, the revocations it knows and acknowledged
    /// returns; one page of them, those this node logged from `position` on (``PullResponse/next``
    /// names the next page's position while more remain).
    public func answerPull(for child: Descendant, from position: UInt64 = 0, at now: Int64) throws(NodeError) -> PullResponse {
        try parentSync.answerPull(for: child, from: position, at: now)
    }

    /// How many entries of a descendant's log this node holds (0 for a node it never heard from).
    public func mirroredLogSize(of keyID: String) throws(NodeError) -> UInt64 {
        try mirrors.size(of: keyID)
    }

    /// Entries `range` of the copy this node holds of a descendant's log.
    public func mirroredEntries(of keyID: String, in range: Range<UInt64>) throws(NodeError) -> [LogEntry] {
        try mirrors.entries(of: keyID, in: range)
    }

    // MARK: Audit and reports (NodeAudit)

    /// Audits this node's subtree from its own log and the descendant logs it holds; stores each
    /// new finding once and returns every finding stored.
    @discardableResult
    public func audit(at now: Int64) throws(NodeError) -> [AuditFinding] {
        try auditing.audit(at: now)
    }

    public func findings() throws(NodeError) -> [AuditFinding] {
        try auditing.findings()
    }

    /// Records a license someone presented (a customer, a support case) so the audit can check that
    /// it is in its issuer's log. The file must verify up to the trust anchor's chain.
    @discardableResult
    public func observe(_ file: LicenseFile, at now: Int64) throws(NodeError) -> Bool {
        try auditing.observe(Observation(license: file), at: now)
    }

    /// Records a signed object someone presented (a license, an activation or a deactivation, with
    /// the license it belongs to) so the audit can check that its issuer logged it where it says.
    /// The license's chain must verify up to the trust anchor and the object must be signed by a
    /// holder of that chain and belong to the license; anything else is refused and nothing is stored.
    @discardableResult
    public func observe(_ observation: Observation, at now: Int64) throws(NodeError) -> Bool {
        try auditing.observe(observation, at: now)
    }

    /// One of the vendor's reports over this node's subtree, from its own and mirrored logs, each
    /// saying per node what it reflects (``ChannelReport/asOf``): the mirrors are only as current as
    /// the last sync. `query.at` is the time point-in-time figures are for (a past or future date,
    /// to compare); the view itself is always the one held now.
    public func report(_ name: String, query: ReportQuery = ReportQuery(), at now: Int64) throws(NodeError) -> ChannelReport {
        try auditing.report(name, query: query, at: now)
    }

    // MARK: Listings (NodeRecords)

    public func delegatedCertificates() throws(NodeError) -> [SignedCertificate] {
        try records.delegatedCertificates()
    }

    public func issuedLicenses() throws(NodeError) -> [SignedLicense] {
        try records.issuedLicenses()
    }

    public func activationRecords() throws(NodeError) -> [(activation: SignedActivation, endedAt: Int64?)] {
        try records.activationRecords()
    }

    public func knownRevocations() throws(NodeError) -> [SignedRevocation] {
        try records.knownRevocations()
    }
}
