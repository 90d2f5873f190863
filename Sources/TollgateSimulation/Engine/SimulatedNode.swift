import Glibc
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode

/// One node of the simulated channel: the real `LicensingNode` on an in-memory SQLite database
/// that outlives crashes, served by the real API (``NodeService``), its skewed clock, its sync
/// state and what the simulator knows about it.
final class SimulatedNode {
    enum Role: String {
        case root, general, regional
    }

    let index: Int
    /// Unix time (seconds) of the run's simulated time zero.
    let epoch: Int64
    let name: String
    let role: Role
    let parent: Int?
    var children: [Int] = []
    let identity: NodeIdentity
    let database: SQLiteDatabase
    let ids: IdentifierStream
    /// Countries the node's certificates allow (also its customers' home countries).
    let countries: [String]

    /// The running node; nil while crashed. The run's checks read its store directly; every
    /// request goes through ``service``.
    private(set) var node: LicensingNode?
    /// The service over the running node; nil while crashed.
    private(set) var service: NodeService?
    /// Where its calls are recorded, when the run keeps a transcript.
    let transcript: TranscriptRecorder?
    /// The bearer token its operator's calls carry.
    let operatorToken: String
    /// Commits of its store that fail, per the scenario; nil when none do.
    var storageFaults: StorageFaultInjector? {
        didSet {
            database.faultInjector = storageFaults.map { faults in { faults.decide($0) } }
            if let node { service = NodeService(node: node, name: name, operatorToken: operatorToken, faults: storageFaults, transcript: transcript) }
        }
    }
    /// Bumped at every crash: timers of an earlier incarnation are stale.
    private(set) var incarnation = 0
    private(set) var downSince: Int64?

    /// Clock offset from true time, in seconds: a fixed skew plus jumps.
    var skewSeconds: Int64 = 0
    var jumpSeconds: Int64 = 0

    var schedule: SyncSchedule
    var round: RoundInFlight?
    /// How large this node's pushes may be, as its service's `SyncAgent` keeps it (until a crash).
    var pushPace = PushPace()
    /// The pull request of the next planned round, signed ahead.
    var presignedPull: PresignedPull?
    var nextExchange: UInt64 = 0
    /// What the parent last acknowledged of this node's own log.
    var ackedOwn: UInt64 = 0
    var lastSyncSuccess: Int64?
    /// Quota returns the parent has confirmed receiving, as the last round's pull listed them.
    var confirmedReturns = 0
    /// A forked copy of this node's log, with an executor of its own, that a cheating agent syncs
    /// in its place until the parent has answered one of its pushes. It lives in its own database,
    /// so it outlives crashes.
    var impostor: NodeExecutor?

    var books = QuotaBooks()
    /// Serials the node handed out, for invariant 2.
    var ledger = SerialLedger()
    /// The seats of each license lineage it sold, so renewals can be told apart.
    var lineageSeats: [String: SerialRange] = [:]
    var stats = NodeStatistics()
    /// Cheats planted on this node (empty: honest).
    var cheats: [Cheat] = []
    /// Objects the node handed out since the last crash check: nothing acknowledged may be lost.
    var acknowledged: [AcknowledgedObject] = []
    /// The log's size and root hash when last checked, to prove nothing was rewritten or dropped.
    var checkedLog: (size: UInt64, root: [UInt8])?
    /// The run's shared record of verified signatures, one for every node, customer and check.
    let signatures: VerifiedSignatures

    init(index: Int, name: String, role: Role, parent: Int?, key: Ed25519PrivateKey, anchor: TrustAnchor,
         countries: [String], epoch: Int64, idSeed: UInt64, operatorToken: String, transcript: TranscriptRecorder?, schedule: SyncSchedule, signatures: VerifiedSignatures,
         store: (path: String, cacheKibibytes: Int)? = nil) throws {
        self.index = index
        self.epoch = epoch
        self.transcript = transcript
        self.signatures = signatures
        self.name = name
        self.role = role
        self.parent = parent
        self.identity = NodeIdentity(name: name, key: key, anchor: anchor)
        if let store {
            unlink(store.path)
            self.database = try SQLiteDatabase(scratchAt: store.path, cacheKibibytes: store.cacheKibibytes)
        } else {
            self.database = try SQLiteDatabase(path: ":memory:")
        }
        self.ids = IdentifierStream(seed: idSeed)
        self.countries = countries
        self.schedule = schedule
        self.operatorToken = operatorToken
        try open()
    }

    deinit {
        // A scratch store's file goes with the node (the open connection keeps it readable till closed).
        if database.path != ":memory:" { unlink(database.path) }
    }

    var keyID: String { identity.keyID }
    var isUp: Bool { node != nil }
    var isHonest: Bool { cheats.isEmpty }

    /// The node's own idea of the time, in Unix seconds, at simulated time `time` (milliseconds).
    func clock(at time: Int64) -> Int64 {
        epoch + time / 1_000 + skewSeconds + jumpSeconds
    }

    private func open() throws {
        let live = LicensingNode(identity: identity, store: try NodeStore(database: database, signatures: signatures), ids: ids.source)
        node = live
        service = NodeService(node: live, name: name, operatorToken: operatorToken, faults: storageFaults, transcript: transcript)
    }

    /// Whether the node's operator should ask the parent's for more quota now: there is a parent,
    /// the workload still runs and no top-up is on its way. Marks one as on its way.
    func claimTopUp(open: Bool) -> Bool {
        guard parent != nil, !books.topUpPending, open else { return false }
        books.topUpPending = true
        return true
    }

    /// Drops the node and everything it had in memory; the committed database stays.
    func crash(at time: Int64) {
        node = nil
        service = nil
        round = nil
        pushPace = PushPace()
        incarnation += 1
        downSince = time
        stats.crashes += 1
    }

    /// Reopens the node on its database, as a restarted process would.
    func restart(at time: Int64) throws {
        try open()
        if let downSince { stats.downtime += time - downSince }
        downSince = nil
    }
}
