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
    }

    static let reports = [
        Report(name: "quota", abstract: "Allocated, delegated, issued, activated and returned seats per node."),
        Report(name: "activations", abstract: "Active machines by country and by platform."),
        Report(name: "conversion", abstract: "Time from sale to first activation: median, p90 and mean."),
        Report(name: "models", abstract: "The license model mix: licenses and seats per model."),
        Report(name: "customer", abstract: "One customer's entitlement history across the subtree.", perCustomer: true),
        Report(name: "freshness", abstract: "The last sync of each node, against its sync_within."),
        Report(name: "revenue", abstract: "Monthly recurring revenue of active subscriptions, per currency."),
    ]

    static let customer = CommonOptions.customer.with(help: "The customer whose history to show.")

    /// The node decides which reports exist; a report it has and this table lacks would have no
    /// command, so the two lists must agree.
    static let subcommands: [Subcommand] = {
        precondition(reports.map(\.name).sorted() == ChannelReport.names.sorted(), "ReportCommand.reports differs from ChannelReport.names")
        return reports.map { report in
            Subcommand(spec: CommandSpec(name: "\(group.name) \(report.name)", abstract: report.abstract,
                                         options: NodeTarget.options + (report.perCustomer ? [customer.required] : []),
                                         flags: [CommonOptions.json])) { arguments in
                try run(report, arguments)
            }
        }
    }()

    static func run(_ report: Report, _ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let name = report.name
        let customer = report.perCustomer ? try arguments.required(Self.customer) : nil
        let report: ChannelReport = try target.call(local: { try $0.report(name, customer: customer, at: TimeArgument.now) },
                                                    endpoint: .report, parameters: ["name": name],
                                                    query: customer.map { [("customer", $0)] } ?? [])
        if arguments.isSet(CommonOptions.json) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            Console.print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return .success
        }
        var lines: [String] = []
        if let rows = report.quota {
            lines.append("node".padding(to: 18) + "parent".padding(to: 16) + "allocated".padding(to: 12) + "delegated".padding(to: 12)
                         + "issued".padding(to: 10) + "activated".padding(to: 12) + "returned")
            for row in rows {
                lines.append(row.name.padding(to: 18) + (row.parent ?? "—").padding(to: 16) + "\(row.allocated)".padding(to: 12)
                             + "\(row.delegated)".padding(to: 12) + "\(row.issued)".padding(to: 10) + "\(row.activated)".padding(to: 12) + "\(row.returned)")
            }
        }
        if let rows = report.activationsByCountry {
            lines.append("active machines by country: " + rows.map { "\($0.key) \($0.count)" }.joined(separator: ", "))
        }
        if let rows = report.activationsByPlatform {
            lines.append("active machines by platform: " + rows.map { "\($0.key) \($0.count)" }.joined(separator: ", "))
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
        if let rows = report.freshness {
            for row in rows {
                lines.append(row.name.padding(to: 18) + row.status.padding(to: 14)
                             + (row.lastSync.map { "last sync \(TimeText.iso($0, relativeTo: report.generatedAt))" } ?? "never").padding(to: 52)
                             + "sync_within \(TimeText.duration(row.syncWithin))")
            }
        }
        if let rows = report.revenue {
            for row in rows {
                lines.append("\(row.currency): \(row.activeSubscriptions) active subscriptions, MRR \(Price(currency: row.currency, amount: row.monthlyRecurring))"
                             + (row.saturated ? " (at least; the sum overflows)" : ""))
            }
        }
        Console.print(lines.isEmpty ? "nothing to report" : lines.joined(separator: "\n"))
        return .success
    }
}
