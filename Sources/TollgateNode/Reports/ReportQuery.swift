import TollgateCertificates

/// What a report is asked for beyond its name, declared once: the CLI's options, the HTTP query
/// (`GET /v1/reports/{name}?customer=…&at=…&from=…&days=…&period=…`) and the node read these fields and
/// nothing else, so a parameter cannot mean one thing on the wire and another at the node.
public struct ReportQuery: Hashable, Sendable {
    /// The customer of the `customer` report (matched case-insensitively).
    public var customer: String?
    /// The time point-in-time figures are for (`recurring`, `renewals`, `forecast`, and the end
    /// of `retention`'s window), Unix seconds; now when absent.
    public var at: Int64?
    /// The start of `retention`'s window; a year before its end when absent.
    public var from: Int64?
    /// `renewals`: how many days ahead to look for expiring subscriptions (and back for lapsed
    /// ones); `forecast`: the horizon in days. Defaults: 30 and 365.
    public var days: Int64?
    /// The billing month of the `usage` report (`2026-12`); every month held when absent.
    public var period: String?

    /// The longest window a report looks across: 100 years, far past any term a license carries.
    public static let maxDays: Int64 = 36_500

    public init(customer: String? = nil, at: Int64? = nil, from: Int64? = nil, days: Int64? = nil, period: String? = nil) {
        self.customer = customer
        self.period = period
        self.at = at
        self.from = from
        self.days = days
    }

    /// The query items that carry this query over HTTP, in a fixed order.
    public var items: [(String, String)] {
        var items: [(String, String)] = []
        if let customer { items.append(("customer", customer)) }
        for (name, number) in [("at", at), ("from", from), ("days", days)] {
            if let number { items.append((name, String(number))) }
        }
        if let period { items.append(("period", period)) }
        return items
    }

    /// Reads a query back from its items (`value(name)` answers one item); a number that does not
    /// parse is refused naming the parameter, and the ranges are checked as ``validated()`` does.
    public init(items value: (String) -> String?) throws(NodeError) {
        func number(_ name: String) throws(NodeError) -> Int64? {
            guard let text = value(name) else { return nil }
            guard let number = Int64(text) else {
                throw NodeError(.invalidRequest, "query parameter '\(name)' must be a whole number, got '\(text.prefix(40))'")
            }
            return number
        }
        self.init(customer: value("customer"), at: try number("at"), from: try number("from"), days: try number("days"), period: value("period"))
        try validated()
    }

    /// Checks the ranges: times within the years objects may carry, `from` before `at`, `days`
    /// from 1 to ``maxDays``, and a period that is a month.
    public func validated() throws(NodeError) {
        if let period, !MonthPeriod.isValid(period) {
            throw NodeError(.invalidRequest, "a billing period is a month written YYYY-MM (2026-12), got '\(period.prefix(40))'")
        }
        for (name, time) in [("at", at), ("from", from)] {
            if let time, time < ObjectLimits.earliestTime || time > ObjectLimits.latestTime {
                throw NodeError(.invalidRequest, "a report's '\(name)' time \(time) is outside \(ObjectLimits.earliestTime)...\(ObjectLimits.latestTime) (1970 to 9999)")
            }
        }
        if let from, let at, from >= at {
            throw NodeError(.invalidRequest, "a report's window must start before it ends: 'from' \(from) is not before 'at' \(at)")
        }
        if let days, days < 1 || days > Self.maxDays {
            throw NodeError(.invalidRequest, "a report's 'days' must be 1 to \(Self.maxDays), got \(days)")
        }
    }
}
