/// One simulation: the channel's shape, the workload, the network and its faults, the planted
/// cheats and how the run is checked. Read from a file under `Simulations/` by `ScenarioParser`;
/// times are simulated milliseconds unless a name says seconds.
public struct Scenario: Sendable, Hashable {
    /// Short name, the file's base name.
    public var name: String
    /// The file's first line: what the scenario is for.
    public var summary: String
    /// Where it was read from, for replay commands.
    public var path: String?

    // MARK: Channel
    public var generals = 2
    public var regionalsPerGeneral = 2

    // MARK: Workload
    public var customers = 200
    /// How long customers arrive and operators act.
    public var duration: Int64 = 7 * Scenario.day
    /// After the workload: faults heal, traffic stops, sync goes on for this long before the
    /// convergence check.
    public var quiet: Int64 = Scenario.day
    /// How much longer the run may go on after `quiet` for the root's mirrors to catch up.
    public var settleLimit: Int64 = 2 * Scenario.day
    public var subscriptionShare = 0.35
    public var trialShare = 0.05
    public var subscriptionTermSeconds: Int64 = 10 * 86_400
    public var trialTermSeconds: Int64 = 5 * 86_400
    public var renewShare = 0.7
    public var rehostShare = 0.15
    public var travelShare = 0.1
    public var emergencyShare = 0.05
    public var offlineShare = 0.1
    /// Share of licenses a customer shows the vendor (the root records them as observations).
    public var observeShare = 0.02
    /// Share of licenses valid in every country of the agent, not only the country of sale.
    public var wideTerritoryShare = 0.3
    public var maxSeats: UInt64 = 3
    /// Share of customers who buy a floating license of ``floatingSeats`` serials and share it
    /// among a team of more machines, through leases from their agent (0: the certificates do not
    /// grant `floating` and nothing of the run changes).
    public var floatingShare = 0.0
    /// Serials of each floating license; the team has two or three machines more.
    public var floatingSeats: UInt64 = 2
    /// The longest lease and borrow the certificates allow (and the floating licenses are sold with).
    public var floatingLeaseSeconds: Int64 = 3_600
    public var floatingBorrowSeconds: Int64 = 86_400
    /// Share of customers who buy a metered license: each activated machine signs usage records
    /// of `render` into its own hash chain and uploads them to the agent, which receipts and logs
    /// them (0: the certificates do not grant `metered` and nothing of the run changes).
    public var meteredShare = 0.0
    /// Units of `render` per machine and month a metered license allows; use may run to 1.5 times
    /// that (`allow:1.5`), each unit over it billed.
    public var meteredAllowance: Int64 = 400
    /// Share of metered machines restored once from an old snapshot: the next record they sign
    /// forks their chain, which the audit must name (`usage_fork`), and no other machine.
    public var usageRollbackShare = 0.0

    // MARK: Sync
    public var syncIntervalSeconds: Int64 = 1_800
    public var syncTimeout: Int64 = 30_000
    public var syncWithinSeconds: Int64 = 14 * 86_400

    // MARK: Network
    public var latency: ClosedRange<Int64> = 20...200
    public var loss = 0.0
    public var duplicate = 0.0
    public var reorder = 0.0
    public var reorderDelay: Int64 = 5_000

    // MARK: Quota and operators
    public var generalSeats: UInt64 = 20_000
    public var generalTopUpSeats: UInt64 = 20_000
    public var regionalSeats: UInt64 = 400
    public var regionalTopUpSeats: UInt64 = 400
    /// A top-up is asked for when fewer free seats than this are left.
    public var topUpBelow: UInt64 = 40
    public var topUpDelay: ClosedRange<Int64> = Scenario.hour...(6 * Scenario.hour)
    /// Quota returns per simulated day, over the whole channel.
    public var quotaReturnsPerDay = 0.0
    public var returnSize: UInt64 = 10
    /// Certificate revocations per simulated day (a general agent revokes one of a regional agent's certificates).
    public var revocationsPerDay = 0.0
    /// How far in the future a revocation takes effect; defaults to `sync_within` plus a day, so an
    /// honest agent always hears of it before.
    public var revokeNoticeSeconds: Int64?

    // MARK: Faults
    public var partitions: [Partition] = []
    public var flaps: [Flap] = []
    public var randomPartitions: RandomPartitions?
    public var crashes: [Crash] = []
    public var crashLoops: [CrashLoop] = []
    public var randomCrashes: RandomCrashes?
    public var skews: [Skew] = []
    /// Every node's clock is off by a uniform amount within ± this many seconds.
    public var randomSkewSeconds: Int64 = 0
    public var jumps: [Jump] = []
    public var randomJumps: RandomJumps?
    public var adversaries: [Plant] = []
    /// Commits of nodes' stores that fail (busy, I/O error, disk full) while the workload runs.
    public var storageFaults: [StorageFaultPlan] = []

    // MARK: Checking
    /// How often the root audits during the run (0: only at the end).
    public var auditEvery: Int64 = Scenario.day
    /// Whether the general agents audit their subtrees at the end too.
    public var auditGenerals = true
    /// How many seeds the test suite runs this scenario on.
    public var testSeeds = 3
    /// Smaller customer count and duration for the debug-build test suite (large scenarios only).
    public var testCustomers: Int?
    public var testDuration: Int64?

    public static let second: Int64 = 1_000
    public static let minute: Int64 = 60_000
    public static let hour: Int64 = 3_600_000
    public static let day: Int64 = 86_400_000

    public init(name: String, summary: String) {
        self.name = name
        self.summary = summary
    }

    public var regionals: Int { generals * regionalsPerGeneral }
    public var nodeCount: Int { 1 + generals + regionals }
    public var revokeNotice: Int64 { revokeNoticeSeconds ?? syncWithinSeconds + 86_400 }
    /// Whether the channel's certificates grant the `floating` model: when customers buy floating
    /// licenses, or a cheat that needs one may be planted.
    public var grantsFloating: Bool {
        floatingShare > 0 || adversaries.contains { $0.cheat == .overLease }
    }
    /// Whether the channel's certificates grant free trials (one per customer and product, 14 days):
    /// when a cheat that gives more may be planted.
    public var grantsTrials: Bool {
        adversaries.contains { $0.cheat == .trialsBeyondCount }
    }
    /// Whether the channel's certificates grant the `metered` model: when customers buy metered licenses.
    public var grantsMetered: Bool { meteredShare > 0 }

    /// The scenario as the test suite runs it: with the smaller test sizes when it has them.
    public var forTests: Scenario {
        var copy = self
        if let testCustomers { copy.customers = testCustomers }
        if let testDuration {
            let factor = Double(testDuration) / Double(duration)
            copy.duration = testDuration
            copy.adversaries = adversaries.map { $0.scaled(by: factor) }
            copy.storageFaults = storageFaults.map { $0.scaled(by: factor) }
        }
        return copy
    }
}
