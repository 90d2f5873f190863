import TollgateCertificates

/// The reports a vendor reads from its root (or an agent for its subtree). One report per request;
/// the section named by `name` is filled.
public struct ChannelReport: Codable, Hashable, Sendable {
    public static let names = ["quota", "activations", "conversion", "models", "customer", "freshness", "revenue", "recurring",
                               "renewals", "forecast", "retention", "usage", "trials", "concentration", "features", "piracy", "arr-history"]

    /// What one node's figures reflect: a report is read from the logs this node holds, so each
    /// descendant's figures are as of the last checkpoint of its log this node accepted, never
    /// newer. A sale made since is not in the report, and the row says how old the view is rather
    /// than claiming the counts as fact. Rows in channel-tree order (``ChannelView/treeOrder()``).
    public struct AsOf: Codable, Hashable, Sendable {
        public var node: String
        public var name: String
        public var parent: String?
        /// 0 for the node asked, 1 for its children, and so on.
        public var depth: Int
        /// Entries of the node's log the report reflects.
        public var logSize: UInt64
        /// When that checkpoint was last seen current (its latest witness time); now for the node
        /// asked; nil when no checkpoint of the node has been witnessed in the subtree yet.
        public var checkpointAt: Int64?
        /// `generatedAt - checkpointAt`: how far the view of this node may lag.
        public var ageSeconds: Int64?
        /// True for a descendant, whose log may have grown since `checkpointAt`.
        public var partial: Bool
    }

    /// Allocated, delegated, issued, activated and returned seats of one node.
    public struct QuotaRow: Codable, Hashable, Sendable {
        public var node: String
        public var name: String
        public var parent: String?
        public var allocated: UInt64
        public var delegated: UInt64
        public var issued: UInt64
        public var activated: UInt64
        public var returned: UInt64
    }

    public struct CountRow: Codable, Hashable, Sendable {
        public var key: String
        public var count: Int
    }

    /// Time from sale to first activation, in seconds.
    public struct Conversion: Codable, Hashable, Sendable {
        public var licenses: Int
        public var activated: Int
        public var medianSeconds: Int64?
        public var p90Seconds: Int64?
        public var meanSeconds: Int64?
    }

    public struct ModelRow: Codable, Hashable, Sendable {
        public var model: String
        public var licenses: Int
        public var seats: UInt64
    }

    /// One event in a customer's entitlement history.
    public struct HistoryEvent: Codable, Hashable, Sendable {
        public var at: Int64
        public var event: String
        public var node: String
        /// The event's position in that node's log.
        public var logIndex: UInt64
        public var detail: String
    }

    public struct FreshnessRow: Codable, Hashable, Sendable {
        public var node: String
        public var name: String
        public var lastSync: Int64?
        public var ageSeconds: Int64?
        public var syncWithin: Int64
        public var status: String
    }

    /// A node's own standing with its parent, in the freshness report of any node but the root: when
    /// it last heard from the parent, when issuing stops without a sync, what the last failed round
    /// said, and how many seats are left before it needs a top-up.
    public struct Standing: Codable, Hashable, Sendable {
        public var node: String
        public var name: String
        /// The last contact with the parent: a successful sync or a certificate received.
        public var lastSync: Int64?
        public var lastAttempt: Int64?
        /// Why the last attempt failed; nil when it succeeded or none was made.
        public var lastFailure: String?
        /// The tightest `sync_within` of the certificates held.
        public var syncWithin: Int64?
        /// `lastSync + syncWithin`: after it, the node refuses to issue until it syncs.
        public var deadline: Int64?
        /// Seats of the certificates held, and those not yet delegated, licensed or returned.
        public var seatsAllocated: UInt64
        public var seatsLeft: UInt64
    }

    /// Recurring revenue of the subscriptions in force now, per currency, in minor units, by the
    /// rule of ``RecurringRevenue``.
    public struct RevenueRow: Codable, Hashable, Sendable {
        public var currency: String
        public var activeSubscriptions: Int
        public var monthlyRecurring: Int64
        public var annualRecurring: Int64
        /// True when the sum exceeds what a 64-bit figure holds and `monthlyRecurring` is its ceiling
        /// (only prices and terms no honest sale carries get there).
        public var saturated: Bool = false
    }

    /// ARR and MRR of one region (the license's country), agent (the node that sold it) or product
    /// in one currency, by the rule of ``RecurringRevenue``; never summed across currencies.
    public struct RecurringRow: Codable, Hashable, Sendable {
        /// `region`, `agent` or `product`.
        public var dimension: String
        /// The country code, the agent's name or the product id.
        public var key: String
        /// The agent's key id, for `agent` rows.
        public var node: String?
        public var currency: String
        public var subscriptions: Int
        public var monthlyRecurring: Int64
        public var annualRecurring: Int64
        /// True when a sum exceeds what a 64-bit figure holds and the figures are its ceiling.
        public var saturated: Bool = false
    }

    /// The span a report looks across: `renewals` and `forecast` from `at` ahead, `retention`
    /// from `from` to `at`.
    public struct Window: Codable, Hashable, Sendable {
        public var from: Int64
        public var to: Int64
    }

    /// The recurring revenue in force at the end of one UTC day, in one currency (`arr-history`),
    /// by the rule of ``RecurringRevenue``, from the licenses issued by then.
    public struct ArrDay: Codable, Hashable, Sendable {
        /// `2027-01-05`.
        public var day: String
        /// The moment the figures are for: the day's last second, or the report's time for today.
        public var at: Int64
        public var currency: String
        public var subscriptions: Int
        public var annualRecurring: Int64
        public var monthlyRecurring: Int64
        public var saturated: Bool
    }

    /// A subscription whose renewal is in doubt, by the rule of ``ChannelView/renewalRisk(_:at:days:)``.
    public struct RenewalRiskRow: Codable, Hashable, Sendable {
        /// `expiring` (ends inside the window, not renewed), `grace` (ended, inside its grace
        /// period), `lapsed` (grace over inside the last `days`, not renewed), or `falling_use` (a
        /// metered license in force whose use in the last whole month fell below half the month's before).
        public var state: String
        public var customer: String
        public var product: String
        public var country: String
        /// The selling agent's key id and name.
        public var node: String
        public var name: String
        /// The lineage's latest license, whose end is at risk.
        public var license: String
        public var exp: Int64
        /// When grace ends (`exp` when the license has no grace period).
        public var graceEnds: Int64
        /// Whole days to `exp` (expiring) or to `graceEnds` (grace); days since `graceEnds`, negative (lapsed).
        public var daysLeft: Int64
        public var currency: String
        /// The ARR the renewal carries, by the rule of ``RecurringRevenue``.
        public var annualRecurring: Int64
        /// For `falling_use`: the units the license's machines used in the month before last, and in
        /// the last whole month before the time asked.
        public var unitsBefore: Int64?
        public var unitsLast: Int64?
    }

    /// Renewal risk summed per state and currency.
    public struct RenewalRiskTotal: Codable, Hashable, Sendable {
        public var state: String
        public var currency: String
        public var subscriptions: Int
        public var annualRecurring: Int64
        public var saturated: Bool = false
    }

    /// Revenue of the renewals scheduled in one calendar month (UTC), assuming each subscription
    /// in force renews on its current terms: its price (per seat per term) × seats, each term end.
    public struct ForecastRow: Codable, Hashable, Sendable {
        /// `2027-01`.
        public var month: String
        public var currency: String
        public var renewals: Int
        public var amount: Int64
        public var saturated: Bool = false
    }

    /// Net and gross revenue retention of one currency's customers over the window: the cohort is
    /// every customer with ARR at `from`; their ARR at `to` counts renewals, upgrades, new
    /// subscriptions (expansion), downgrades (contraction) and churn. Figures in minor units.
    public struct RetentionRow: Codable, Hashable, Sendable {
        public var currency: String
        /// Customers in the cohort, and those of them with no ARR left at `to`.
        public var customers: Int
        public var churnedCustomers: Int
        /// The cohort's ARR at `from` and at `to`.
        public var startingRecurring: Int64
        public var endingRecurring: Int64
        /// Σ min(ending, starting) per customer: what was kept, expansion left out.
        public var retainedRecurring: Int64
        public var expansion: Int64
        public var contraction: Int64
        public var churn: Int64
        /// `ending ÷ starting` and `retained ÷ starting` in basis points (10,000 = 100%), truncated.
        public var netRetentionBasisPoints: Int64
        public var grossRetentionBasisPoints: Int64
        public var saturated: Bool = false
    }

    /// Of the subscription terms that ended in the window (their grace over by its end), how many
    /// the lineage renewed: a later license of the lineage, issued by the window's end, that
    /// starts no later than the term's grace ends and runs past its end. `pending` terms ended but
    /// are still inside their grace at the window's end, and count in neither.
    public struct RenewalRate: Codable, Hashable, Sendable {
        public var due: Int
        public var renewed: Int
        public var pending: Int
        /// `renewed ÷ due` in basis points; nil when nothing was due.
        public var basisPoints: Int64?
    }

    /// Metered use billed for one license, period and feature: every machine's chain added up, each
    /// record once however often it was uploaded or synced. Allowance and overage are per machine
    /// (each machine's chain is held to the allowance offline), summed over the license's machines.
    public struct UsageRow: Codable, Hashable, Sendable {
        public var customer: String
        /// Hash of the license (the lineage's first).
        public var license: String
        /// The node whose log holds the records (the issuing agent).
        public var node: String
        public var period: String
        public var feature: String
        /// Machines that recorded use of the feature in the period.
        public var machines: Int
        public var records: Int
        public var units: Int64
        /// The allowance of all those machines together.
        public var allowance: Int64
        public var overageUnits: Int64
        /// `refuse`, `allow:1.5`, `bill`.
        public var overageRule: String
        public var currency: String
        /// Minor units per unit over the allowance.
        public var unitPrice: Int64
        /// `overageUnits × unitPrice`, minor units.
        public var overagePrice: Int64
        /// True when a sum exceeds what a 64-bit figure holds and the figures are its ceiling.
        public var saturated: Bool = false
    }

    /// Overage billed in one period and currency: never summed across currencies.
    public struct UsageTotal: Codable, Hashable, Sendable {
        public var period: String
        public var currency: String
        public var units: Int64
        public var overageUnits: Int64
        public var overagePrice: Int64
        public var saturated: Bool = false
    }

    /// Trial conversion of one product, by the rule of ``ChannelView/trials(_:)``: trials issued
    /// (model `trial`, a lineage's first license), how many a paid license converted (its
    /// `converts` names the trial), and the time from the trial's issue to its conversion.
    public struct TrialRow: Codable, Hashable, Sendable {
        public var product: String
        public var trials: Int
        public var converted: Int
        /// `converted ÷ trials` in basis points (10,000 = 100%), truncated.
        public var conversionBasisPoints: Int64
        /// Seconds from trial issue to conversion; nil when none converted.
        public var medianSeconds: Int64?
        public var meanSeconds: Int64?
    }

    /// How much of one currency's ARR its largest customers carry, by the rule of
    /// ``ChannelView/concentration(_:at:)``: a vendor living off one account should see it.
    public struct ConcentrationRow: Codable, Hashable, Sendable {
        /// One of the largest customers: their ARR (minor units) and its share of the currency's.
        public struct Customer: Codable, Hashable, Sendable {
            public var customer: String
            public var annualRecurring: Int64
            public var shareBasisPoints: Int64
        }

        public var currency: String
        /// Customers with ARR in the currency at the time asked.
        public var customers: Int
        public var annualRecurring: Int64
        /// The ten largest, by ARR then name.
        public var top: [Customer]
        /// Shares of the largest customer and of the ten largest, in basis points, truncated.
        public var topOneBasisPoints: Int64
        public var topTenBasisPoints: Int64
        public var saturated: Bool = false
    }

    /// How many of a product's active licenses enable one feature, by the rule of
    /// ``ChannelView/featurePenetration(_:revoked:at:)``.
    public struct FeatureRow: Codable, Hashable, Sendable {
        public var product: String
        public var feature: String
        /// Active licenses (lineages) of the product enabling the feature, and all active licenses of the product.
        public var licenses: Int
        public var of: Int
        /// `licenses ÷ of` in basis points, truncated.
        public var basisPoints: Int64
    }

    /// Piracy monitoring of one node, by the rule of ``ChannelView/piracy(_:findings:order:window:)``:
    /// the attempts it refused (from the `activation-refused` records of its log) and the findings
    /// the audit holds against it.
    public struct PiracyRow: Codable, Hashable, Sendable {
        public var node: String
        public var name: String
        public var parent: String?
        /// Refused attempts by refusal code (activations and leases together), most first.
        public var refusedByCode: [CountRow]
        public var refused: Int
        /// Activations refused because every seat was taken (`seats_in_use`).
        public var overActivationAttempts: Int
        /// Leases refused because every floating seat was leased (`no_seat_free`).
        public var overLeasingAttempts: Int
        /// Findings of forged or unauthorized objects: invalid objects, equivocation, unauthorized activations and changes.
        public var forgeries: Int
        /// Findings of sales or activations hidden from the log (`hidden_issuance`).
        public var hiddenIssuance: Int
        public var overActivationFindings: Int
        public var leaseOversubscribedFindings: Int
        /// Every finding held against the node (findings stay open: none is closed).
        public var openFindings: Int
        /// Activations beyond a lenient license's seats the node allowed (marked `over_use`), dated
        /// in the window: over-use the license permits, for the vendor to bill or follow up.
        public var lenientOverUse: Int = 0
    }

    /// One refused attempt, as the node that refused it recorded it (newest first in a report).
    public struct RefusalRow: Codable, Hashable, Sendable {
        public var at: Int64
        public var node: String
        public var name: String
        /// `activation` or `lease`.
        public var attempt: String
        public var code: String
        /// Refusals this row stands for: 1, or the count an hour's summary left out (then `code` is that code).
        public var count: Int
        public var license: String?
        public var serial: UInt64?
        public var customer: String?
        public var country: String?
        public var platform: String?
        public var machine: String?
    }

    public var name: String
    public var generatedAt: Int64
    /// Per node of the subtree, in channel-tree order, the log size and checkpoint time the
    /// figures reflect.
    public var asOf: [AsOf] = []
    public var quota: [QuotaRow]?
    public var activationsByCountry: [CountRow]?
    public var activationsByPlatform: [CountRow]?
    public var conversion: Conversion?
    public var models: [ModelRow]?
    public var customer: String?
    public var history: [HistoryEvent]?
    public var freshness: [FreshnessRow]?
    public var standing: Standing?
    public var revenue: [RevenueRow]?
    /// The time the `recurring`, `concentration` and `features` reports' figures are for (`--at`, now unless asked).
    public var recurringAt: Int64?
    /// Dimension by dimension (region, agent in tree order, product), then by key and currency.
    public var recurring: [RecurringRow]?
    /// The span of `renewals`, `forecast`, `retention`, `piracy` and `arr-history`.
    public var window: Window?
    /// Day by day, oldest first, then by currency.
    public var arrHistory: [ArrDay]?
    /// By state (expiring, grace, lapsed), then end, then customer.
    public var renewalRisk: [RenewalRiskRow]?
    public var renewalRiskTotals: [RenewalRiskTotal]?
    /// By month, then currency.
    public var forecast: [ForecastRow]?
    /// By currency.
    public var retention: [RetentionRow]?
    public var renewalRate: RenewalRate?
    /// The billing period the `usage` report is for; nil for every period held.
    public var usagePeriod: String?
    /// By customer, license, period and feature.
    public var usage: [UsageRow]?
    /// By period and currency.
    public var usageTotals: [UsageTotal]?
    /// By product.
    public var trials: [TrialRow]?
    /// By currency.
    public var concentration: [ConcentrationRow]?
    /// By product, then feature.
    public var features: [FeatureRow]?
    /// Per node, in channel-tree order.
    public var piracy: [PiracyRow]?
    /// The refused attempts of the `piracy` report's window, newest first, at most ``ChannelView/refusalsListed``.
    public var refusals: [RefusalRow]?

    public init(name: String, generatedAt: Int64) {
        self.name = name
        self.generatedAt = generatedAt
    }
}
