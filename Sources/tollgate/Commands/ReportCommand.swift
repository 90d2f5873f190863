import Foundation
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode

/// `tollgate report`: the vendor's reports over the node's subtree.
enum ReportCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "report",
        abstract: "Reports: quota, activations, conversion, models, customer, freshness, revenue.",
        discussion: """
            quota: allocated / delegated / issued / activated / returned seats per node; activations: by country and
            platform; conversion: time from sale to first activation; models: license model mix; customer: one
            customer's entitlement history (--customer); freshness: last sync per node; revenue: monthly recurring
            revenue of active subscriptions.
            """,
        options: NodeTarget.options + [.init(name: "customer", value: "name", help: "The customer, for the customer report.")],
        flags: [.init(name: "json", help: "Print JSON.")],
        positionals: [.init(name: "report", help: ChannelReport.names.joined(separator: ", "))])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let name = arguments.positional(0)!
        guard ChannelReport.names.contains(name) else { throw ValidationError("no report '\(name)': choose \(ChannelReport.names.joined(separator: ", "))") }
        let customer = arguments.value("customer")
        let query = customer.flatMap { $0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) }.map { "?customer=\($0)" } ?? ""
        let report: ChannelReport = try target.call(local: { try $0.report(name, customer: customer, at: TimeArgument.now) },
                                                    method: .get, path: "/v1/reports/\(name)\(query)")
        if arguments.flag("json") {
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
            for event in history { lines.append("  " + TimeArgument.format(event.at).padding(to: 22) + event.event.padding(to: 22) + event.node.padding(to: 14) + event.detail) }
        }
        if let rows = report.freshness {
            for row in rows {
                lines.append(row.name.padding(to: 18) + row.status.padding(to: 14)
                             + (row.lastSync.map { "last sync \(TimeArgument.format($0))" } ?? "never").padding(to: 38) + "sync_within \(row.syncWithin) s")
            }
        }
        if let rows = report.revenue {
            for row in rows { lines.append("\(row.currency): \(row.activeSubscriptions) active subscriptions, MRR \(row.monthlyRecurring) (minor units)") }
        }
        Console.print(lines.isEmpty ? "nothing to report" : lines.joined(separator: "\n"))
        return .success
    }
}
