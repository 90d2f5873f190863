import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateWire

/// `tollgate report …`: the vendor's reports over the node's subtree, one subcommand per report.
enum ReportCommand {
    static let group = CommandGroup("report", abstract: "The vendor's reports over the node's subtree.")

    /// One report: its name as the node knows it (one of `ChannelReport.names`), what it shows, and
    /// whether it is about one customer (then `--customer` is required).
    struct Report: Sendable {
        var name: String
        var abstract: String
        var perCustomer = false
        /// Whether the report is for a point in time (then `--at` is taken).
        var atTime = false
        /// Whether the report looks back across a window from `--from` to `--at`.
        var window = false
        /// Whether the report looks ahead `--days` (its default is the node's, ``ReportQuery/days``).
        var ahead = false
        /// Whether the report is for a billing period (then `--period` is taken).
        var perPeriod = false
        /// Whether the report is a day-by-day history of `--days` days from `--from`.
        var history = false
    }

    static let reports = [
        Report(name: "quota", abstract: "Allocated, delegated, issued, activated (temporary activations not counted) and returned seats per node."),
        Report(name: "activations", abstract: "Active machines by country and by platform, temporary (emergency) activations included."),
        Report(name: "conversion", abstract: "Time from sale to first activation: median, p90 and mean."),
        Report(name: "models", abstract: "The license model mix: licenses and seats per model."),
        Report(name: "customer", abstract: "One customer's entitlement history across the subtree.", perCustomer: true),
        Report(name: "freshness", abstract: "This node's own standing (last sync, deadline, last failure, seats left), then each child's last sync."),
        Report(name: "revenue", abstract: "Recurring revenue (MRR and ARR) of the subscriptions in force now, per currency."),
        Report(name: "recurring", abstract: "ARR and MRR by region, agent and product, per currency, now or at --at; perpetual licenses do not recur.",
               atTime: true),
        Report(name: "renewals", abstract: "Renewal risk: subscriptions expiring unrenewed within --days, in grace, or lapsed within --days, with the ARR at stake.",
               atTime: true, ahead: true),
        Report(name: "forecast", abstract: "Scheduled-renewal revenue per month and currency over the next --days, if every subscription renews on its terms.",
               atTime: true, ahead: true),
        Report(name: "retention", abstract: "Net and gross revenue retention per currency from --from to --at (default the last year), and the renewal rate.",
               atTime: true, window: true),
        Report(name: "usage", abstract: "Metered use billed per customer, license, month and feature: units, allowance, overage units and price, per currency.",
               perPeriod: true),
        Report(name: "trials", abstract: "Trial conversion per product: trials issued, converted to a paid license, rate, and median and mean time to convert."),
        Report(name: "concentration", abstract: "Customer concentration of ARR per currency, now or at --at: the ten largest customers and their shares, top-1 and top-10 shares.",
               atTime: true),
        Report(name: "features", abstract: "Feature penetration per product, now or at --at: how many active licenses (add-ons and tiers counted) enable each feature.",
               atTime: true),
        Report(name: "piracy", abstract: "Piracy monitoring per node from --from to --at (default all time to now): refused activations by code, over-activation and over-leasing attempts, forgeries, hidden issuance, open findings; then the refusals.",
               atTime: true, window: true),
        Report(name: "arr-history", abstract: "The ARR in force at the end of each UTC day from --from for --days days (default the 30 days to today), per currency, from the licenses issued by then.",
               history: true),
    ]

    static let customer = CommonOptions.customer.with(help: "The customer whose history to show.")
    static let at = CommonOptions.at.with(help: "The time the figures are for (default now); retention's window ends there.")
    static let from = Option<Int64>.time("from", help: "The start of the retention window (default a year before --at).")
    static let days = Option<Int64>("days", value: "n", help: "How many days ahead to look (renewals: default 30, and as far back for lapsed ones; forecast: default 365).",
                                    range: 1...ReportQuery.maxDays)
    static let historyFrom = from.with(help: "The first UTC day of the history, a date or a time within it (default: the --days days ending today).")
    static let historyDays = days.with(help: "How many days the history covers, 1 to 366 (default 30); it cannot run past today.")
    static let period = Option<String>("period", value: "YYYY-MM", help: "The billing month (default: every month held).")
    static let csv = Flag("csv", help: "Print CSV (RFC 4180, header row); the as-of of the view goes to standard error.")

    /// The node decides which reports exist; a report it has and this table lacks would have no
    /// command, so the two lists must agree.
    static let subcommands: [Subcommand] = {
        precondition(reports.map(\.name).sorted() == ChannelReport.names.sorted(), "ReportCommand.reports differs from ChannelReport.names")
        return reports.map { report in
            Subcommand(spec: CommandSpec(name: "\(group.name) \(report.name)", abstract: report.abstract,
                                         options: NodeTarget.options + (report.perCustomer ? [customer.required] : []) + (report.atTime ? [at] : [])
                                             + (report.window ? [from] : []) + (report.ahead ? [days] : []) + (report.perPeriod ? [period] : [])
                                             + (report.history ? [historyFrom, historyDays] : []),
                                         flags: [CommonOptions.json, csv])) { arguments in
                try run(report, arguments)
            }
        }
    }()

    static func run(_ report: Report, _ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let name = report.name
        let query = ReportQuery(customer: report.perCustomer ? try arguments.required(Self.customer) : nil,
                                at: report.atTime ? try arguments.value(at) : nil,
                                from: report.window ? try arguments.value(from) : report.history ? try arguments.value(historyFrom) : nil,
                                days: report.ahead ? try arguments.value(days) : report.history ? try arguments.value(historyDays) : nil,
                                period: report.perPeriod ? try arguments.value(period) : nil)
        if arguments.isSet(CommonOptions.json) && arguments.isSet(csv) { throw ValidationError("choose one of --json and --csv") }
        let report: ChannelReport = try target.call(local: { try $0.report(name, query: query, at: TimeArgument.now) },
                                                    endpoint: .report, parameters: ["name": name], query: query.items)
        if arguments.isSet(CommonOptions.json) {
            try JSONOutput.print(report)
            return .success
        }
        if arguments.isSet(csv) {
            Console.write(report.table.text)
            if report.asOf.contains(where: \.partial) { Console.error(describe(report.asOf, at: report.generatedAt).joined(separator: "\n")) }
            return .success
        }
        var lines = describe(report.asOf, at: report.generatedAt)
        let depth = Dictionary(report.asOf.map { ($0.node, $0.depth) }, uniquingKeysWith: { first, _ in first })
        if let rows = report.quota {
            lines.append("node".padding(to: 18) + "parent".padding(to: 16) + "allocated".padding(to: 12) + "delegated".padding(to: 12)
                         + "issued".padding(to: 10) + "activated".padding(to: 12) + "returned")
            for row in rows {
                let indent = String(repeating: " ", count: 2 * min(4, depth[row.node] ?? 0))
                lines.append((indent + row.name).padding(to: 18) + (row.parent ?? "—").padding(to: 16) + "\(row.allocated)".padding(to: 12)
                             + "\(row.delegated)".padding(to: 12) + "\(row.issued)".padding(to: 10) + "\(row.activated)".padding(to: 12) + "\(row.returned)")
            }
            lines.append("activated: machines active now on standard activations; temporary (emergency) ones are not counted, 'report activations' counts them")
        }
        if let rows = report.activationsByCountry {
            lines.append("active machines (temporary activations included) by country: " + rows.map { "\($0.key) \($0.count)" }.joined(separator: ", "))
        }
        if let rows = report.activationsByPlatform {
            lines.append("active machines (temporary activations included) by platform: " + rows.map { "\($0.key) \($0.count)" }.joined(separator: ", "))
        }
        if let conversion = report.conversion {
            func hours(_ seconds: Int64?) -> String { seconds.map { String(format: "%.1f h", Double($0) / 3_600) } ?? "—" }
            lines.append("\(conversion.activated) of \(conversion.licenses) licenses activated; time from sale to first activation: "
                         + "median \(hours(conversion.medianSeconds)), p90 \(hours(conversion.p90Seconds)), mean \(hours(conversion.meanSeconds))")
        }
        if let rows = report.models {
            for row in rows { lines.append(row.model.padding(to: 16) + "\(row.licenses) licenses, \(row.seats) seats") }
        }
        if let history = report.history {
            lines.append("entitlement history of \(report.customer ?? ""):")
            for event in history { lines.append("  " + TimeText.iso(event.at).padding(to: 22) + event.event.padding(to: 22) + event.node.padding(to: 14) + event.detail) }
        }
        if let standing = report.standing { lines += describe(standing, at: report.generatedAt) }
        if let rows = report.freshness {
            for row in rows {
                lines.append(row.name.padding(to: 18) + row.status.padding(to: 14)
                             + (row.lastSync.map { "last sync \(TimeText.iso($0, relativeTo: report.generatedAt))" } ?? "never").padding(to: 52)
                             + "sync_within \(TimeText.duration(row.syncWithin))")
            }
        }
        if let rows = report.revenue {
            for row in rows {
                lines.append("\(row.currency): \(row.activeSubscriptions) active subscriptions, MRR \(Price(currency: row.currency, amount: row.monthlyRecurring)), "
                             + "ARR \(Price(currency: row.currency, amount: row.annualRecurring))" + (row.saturated ? " (at least; the sum overflows)" : ""))
            }
        }
        if let rows = report.recurring {
            lines.append("recurring revenue at \(TimeText.iso(report.recurringAt ?? report.generatedAt)) (subscriptions in force; perpetual licenses do not recur):")
            if rows.isEmpty { lines.append("  no subscription in force") }
            for dimension in ["region", "agent", "product"] {
                for row in rows where row.dimension == dimension {
                    lines.append("  " + dimension.padding(to: 9) + row.key.padding(to: 18) + row.currency.padding(to: 5)
                                 + "\(row.subscriptions) subscriptions".padding(to: 20) + "MRR \(Price(currency: row.currency, amount: row.monthlyRecurring))".padding(to: 24)
                                 + "ARR \(Price(currency: row.currency, amount: row.annualRecurring))" + (row.saturated ? " (at least; the sum overflows)" : ""))
                }
            }
        }
        if let rows = report.arrHistory {
            lines.append("ARR in force at the end of each UTC day (now for today), from the licenses issued by then:")
            if rows.isEmpty { lines.append("  no subscription in force on any day") }
            for row in rows {
                lines.append("  " + row.day.padding(to: 12) + row.currency.padding(to: 5) + "\(row.subscriptions) subscriptions".padding(to: 20)
                             + "ARR \(Price(currency: row.currency, amount: row.annualRecurring))".padding(to: 24)
                             + "MRR \(Price(currency: row.currency, amount: row.monthlyRecurring))" + (row.saturated ? " (at least; the sum overflows)" : ""))
            }
        }
        lines += describeRenewals(report)
        lines += describeCustomerMix(report)
        lines += describePiracy(report, depth: depth)
        if let rows = report.usage {
            lines += describeUsage(rows, totals: report.usageTotals ?? [], period: report.usagePeriod)
        }
        Console.print(lines.isEmpty ? "nothing to report" : lines.joined(separator: "\n"))
        return .success
    }

    /// The renewal risk, forecast and retention sections, as a person reads them.
    static func describeRenewals(_ report: ChannelReport) -> [String] {
        var lines: [String] = []
        func money(_ currency: String, _ amount: Int64) -> String { "\(Price(currency: currency, amount: amount))" }
        func percent(_ basisPoints: Int64) -> String { "\(basisPoints / 100).\(String(basisPoints % 100 / 10))%" }
        let window = report.window.map { "\(TimeText.iso($0.from)) to \(TimeText.iso($0.to))" } ?? ""
        if let rows = report.renewalRisk {
            lines.append("renewal risk at \(report.window.map { TimeText.iso($0.from) } ?? ""), looking to \(report.window.map { TimeText.iso($0.to) } ?? ""):")
            if rows.isEmpty { lines.append("  no subscription expiring unrenewed, in grace or lapsed, and no metered use falling") }
            for row in rows {
                let when = switch row.state {
                case "expiring": "ends \(TimeText.iso(row.exp)), \(row.daysLeft) days left"
                case "grace": "ended \(TimeText.iso(row.exp)), grace ends in \(row.daysLeft) days"
                case "falling_use": "use fell from \(row.unitsBefore ?? 0) to \(row.unitsLast ?? 0) units a month; ends in \(row.daysLeft) days"
                default: "grace ended \(TimeText.iso(row.graceEnds)), \(-row.daysLeft) days ago"
                }
                lines.append("  " + row.state.padding(to: 10) + row.customer.padding(to: 20) + row.product.padding(to: 10) + row.country.padding(to: 4)
                             + row.name.padding(to: 14) + HashID.short(row.license).padding(to: 14) + when.padding(to: 50)
                             + "ARR \(money(row.currency, row.annualRecurring))")
            }
            for total in report.renewalRiskTotals ?? [] {
                lines.append("  total \(total.state) \(total.currency): \(total.subscriptions) subscriptions, ARR \(money(total.currency, total.annualRecurring))"
                             + (total.saturated ? " (at least; the sum overflows)" : ""))
            }
        }
        if let rows = report.forecast {
            lines.append("scheduled renewals \(window), if every subscription in force renews on its terms:")
            if rows.isEmpty { lines.append("  no renewal falls due") }
            for row in rows {
                lines.append("  " + row.month.padding(to: 9) + row.currency.padding(to: 5) + "\(row.renewals) renewals".padding(to: 16)
                             + money(row.currency, row.amount) + (row.saturated ? " (at least; the sum overflows)" : ""))
            }
        }
        if let rows = report.retention {
            lines.append("revenue retention \(window) (customers with ARR at the start):")
            if rows.isEmpty { lines.append("  no customer had recurring revenue at the start") }
            for row in rows {
                lines.append("  \(row.currency): NRR \(percent(row.netRetentionBasisPoints)), GRR \(percent(row.grossRetentionBasisPoints)); "
                             + "\(row.customers) customers, \(row.churnedCustomers) churned; ARR \(money(row.currency, row.startingRecurring)) → \(money(row.currency, row.endingRecurring)) "
                             + "(expansion \(money(row.currency, row.expansion)), contraction \(money(row.currency, row.contraction)), churn \(money(row.currency, row.churn)))"
                             + (row.saturated ? " (at least; the sum overflows)" : ""))
            }
        }
        if let rate = report.renewalRate {
            lines.append("renewal rate: \(rate.renewed) of \(rate.due) terms that ended were renewed" + (rate.basisPoints.map { " (\(percent($0)))" } ?? "")
                         + (rate.pending > 0 ? "; \(rate.pending) more ended and are still in grace" : ""))
        }
        return lines
    }

    /// The trial conversion, customer concentration and feature penetration sections.
    static func describeCustomerMix(_ report: ChannelReport) -> [String] {
        var lines: [String] = []
        func percent(_ basisPoints: Int64) -> String { "\(basisPoints / 100).\(String(basisPoints % 100 / 10))%" }
        func days(_ seconds: Int64?) -> String { seconds.map { String(format: "%.1f days", Double($0) / 86_400) } ?? "—" }
        let at = TimeText.iso(report.recurringAt ?? report.generatedAt)
        if let rows = report.trials {
            lines.append("trial conversion (trials issued, converted by a paid license):")
            if rows.isEmpty { lines.append("  no trial issued") }
            for row in rows {
                lines.append("  " + row.product.padding(to: 12) + "\(row.converted) of \(row.trials) trials converted (\(percent(row.conversionBasisPoints)))".padding(to: 40)
                             + "time to convert: median \(days(row.medianSeconds)), mean \(days(row.meanSeconds))")
            }
        }
        if let rows = report.concentration {
            lines.append("customer concentration of ARR at \(at):")
            if rows.isEmpty { lines.append("  no subscription in force") }
            for row in rows {
                lines.append("  \(row.currency): \(row.customers) customers, ARR \(Price(currency: row.currency, amount: row.annualRecurring)); "
                             + "largest \(percent(row.topOneBasisPoints)), ten largest \(percent(row.topTenBasisPoints))" + (row.saturated ? " (at least; the sum overflows)" : ""))
                for (rank, customer) in row.top.enumerated() {
                    lines.append("    " + "\(rank + 1).".padding(to: 4) + customer.customer.padding(to: 24)
                                 + "ARR \(Price(currency: row.currency, amount: customer.annualRecurring))".padding(to: 24) + percent(customer.shareBasisPoints))
                }
            }
        }
        if let rows = report.features {
            lines.append("feature penetration at \(at) (active licenses enabling each feature):")
            if rows.isEmpty { lines.append("  no active license with features") }
            for row in rows {
                lines.append("  " + row.product.padding(to: 12) + row.feature.padding(to: 16) + "\(row.licenses) of \(row.of) licenses".padding(to: 24) + percent(row.basisPoints))
            }
        }
        return lines
    }

    /// The piracy monitoring section: one line per node, then the refusals, newest first.
    static func describePiracy(_ report: ChannelReport, depth: [String: Int]) -> [String] {
        guard let rows = report.piracy else { return [] }
        let window = report.window.map { "\(TimeText.iso($0.from)) to \(TimeText.iso($0.to))" } ?? ""
        var lines = ["piracy monitoring \(window):",
                     "node".padding(to: 18) + "refused".padding(to: 9) + "over-act".padding(to: 10) + "over-lease".padding(to: 12) + "forgeries".padding(to: 11)
                         + "hidden".padding(to: 8) + "over-act found".padding(to: 16) + "lease over found".padding(to: 18) + "over-use (lenient)".padding(to: 20)
                         + "open findings  refused by code"]
        for row in rows {
            let indent = String(repeating: " ", count: 2 * min(4, depth[row.node] ?? 0))
            lines.append((indent + row.name).padding(to: 18) + "\(row.refused)".padding(to: 9) + "\(row.overActivationAttempts)".padding(to: 10)
                         + "\(row.overLeasingAttempts)".padding(to: 12) + "\(row.forgeries)".padding(to: 11) + "\(row.hiddenIssuance)".padding(to: 8)
                         + "\(row.overActivationFindings)".padding(to: 16) + "\(row.leaseOversubscribedFindings)".padding(to: 18)
                         + "\(row.lenientOverUse)".padding(to: 20) + "\(row.openFindings)".padding(to: 15) + row.refusedByCode.map { "\($0.key) \($0.count)" }.joined(separator: ", "))
        }
        let refusals = report.refusals ?? []
        lines.append(refusals.isEmpty ? "no refused attempt recorded" : "refused attempts, newest first:")
        for row in refusals {
            lines.append("  " + TimeText.iso(row.at).padding(to: 22) + row.name.padding(to: 14) + row.attempt.padding(to: 12)
                         + (row.count == 1 ? row.code : "\(row.code) ×\(row.count) (not logged one by one)").padding(to: 30)
                         + (row.serial.map { "serial \($0)" } ?? "—").padding(to: 16) + (row.country ?? "—").padding(to: 4)
                         + (row.machine.map(HashID.short) ?? "—").padding(to: 14) + (row.customer ?? ""))
        }
        return lines
    }

    /// What the figures reflect, node by node in tree order: this node's log now, each descendant's
    /// up to the checkpoint held, so a view that lags a sale says so instead of showing it as 0.
    static func describe(_ asOf: [ChannelReport.AsOf], at now: Int64) -> [String] {
        guard asOf.contains(where: \.partial) else { return [] }
        var lines = ["as of (a descendant's figures reflect its log up to the last checkpoint this node holds):"]
        for row in asOf {
            let name = String(repeating: " ", count: 2 * min(4, row.depth)) + row.name
            let state = !row.partial ? "this node, \(row.logSize) log entries, now"
                : row.logSize == 0 ? "nothing synced yet: none of its figures are in this report"
                : "\(row.logSize) log entries, " + (row.checkpointAt.map { "as of \(TimeText.iso($0, relativeTo: now))" } ?? "time of the checkpoint unknown")
            lines.append("  " + name.padding(to: 20) + state)
        }
        return lines
    }

    /// Metered use billed, row by row, then the overage per month and currency.
    static func describeUsage(_ rows: [ChannelReport.UsageRow], totals: [ChannelReport.UsageTotal], period: String?) -> [String] {
        var lines = ["metered use \(period.map { "in \($0)" } ?? "in every month held") (each record once; allowance per machine, added up):"]
        if rows.isEmpty { lines.append("  no metered use recorded") }
        for row in rows {
            lines.append("  " + row.customer.padding(to: 18) + HashID.short(row.license).padding(to: 14) + row.period.padding(to: 9) + row.feature.padding(to: 10)
                         + "\(row.units) units".padding(to: 14) + "allowance \(row.allowance)".padding(to: 17) + "overage \(row.overageUnits)".padding(to: 15)
                         + "\(row.overageRule) at \(Price(currency: row.currency, amount: row.unitPrice))".padding(to: 24)
                         + "\(Price(currency: row.currency, amount: row.overagePrice))" + (row.saturated ? " (at least; the sum overflows)" : ""))
        }
        for total in totals {
            lines.append("total \(total.period) \(total.currency): \(total.units) units, \(total.overageUnits) over the allowance, overage "
                         + "\(Price(currency: total.currency, amount: total.overagePrice))" + (total.saturated ? " (at least; the sum overflows)" : ""))
        }
        return lines
    }

    /// A node's own standing, as its operator needs it before the next sale.
    static func describe(_ standing: ChannelReport.Standing, at now: Int64) -> [String] {
        var lines = ["\(standing.name) (this node)"]
        lines.append("  last sync:     " + (standing.lastSync.map { TimeText.iso($0, relativeTo: now) } ?? "never"))
        if let deadline = standing.deadline, let within = standing.syncWithin {
            lines.append("  sync deadline: \(TimeText.iso(deadline, relativeTo: now)) (sync_within \(TimeText.duration(within)))"
                         + (deadline < now ? ": OVERDUE, issuing is refused until a sync" : ": issuing stops after it without a sync"))
        }
        if let attempt = standing.lastAttempt {
            lines.append("  last attempt:  \(TimeText.iso(attempt, relativeTo: now)) " + (standing.lastFailure.map { "FAILED: \($0)" } ?? "succeeded"))
        } else {
            lines.append("  last attempt:  none (no sync with the parent run yet)")
        }
        lines.append("  seats left:    \(standing.seatsLeft) of \(standing.seatsAllocated) allocated (not yet delegated, licensed or returned)")
        return lines
    }
}
