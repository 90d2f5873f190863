import TollgateCertificates

extension ChannelView {
    /// The longest `arr-history` window: a year, leap day included.
    static let arrHistoryMaxDays: Int64 = 366

    /// The `arr-history` report: per UTC day from the day holding `from` (default: the window
    /// ends today), for `days` days, the ARR and MRR per currency in force at the end of the day
    /// (its last second; now for today), from the licenses issued by then. Every currency that has
    /// ARR on some day of the window has a row on every day, zero included, so a chart has no gaps.
    func arrHistory(_ sales: [RevenueSale], from: Int64?, days: Int64) throws(NodeError) -> (ChannelReport.Window, [ChannelReport.ArrDay]) {
        guard (1...Self.arrHistoryMaxDays).contains(days) else {
            throw NodeError(.invalidRequest, "the ARR history covers 1 to \(Self.arrHistoryMaxDays) days, not \(days)")
        }
        let today = Self.day(of: now)
        let first = from.map(Self.day(of:)) ?? today - (days - 1)
        guard first + days - 1 <= today else {
            throw NodeError(.invalidRequest, "the ARR history ends at today (\(TimeText.iso(today * 86_400).prefix(10)) UTC): "
                            + "\(days) days from \(TimeText.iso(first * 86_400).prefix(10)) would end on \(TimeText.iso((first + days - 1) * 86_400).prefix(10))")
        }
        let moments = (0..<days).map { offset in min((first + offset + 1) * 86_400 - 1, now) }
        let history = RecurringRevenue.history(sales, at: moments)
        let currencies = Set(history.flatMap { $0.filter { $0.value.subscriptions > 0 }.keys }).sorted()
        var rows: [ChannelReport.ArrDay] = []
        for (offset, totals) in history.enumerated() {
            let day = String(TimeText.iso((first + Int64(offset)) * 86_400).prefix(10))
            for currency in currencies {
                let figures = totals[currency] ?? RecurringRevenue.Figures()
                rows.append(.init(day: day, at: moments[offset], currency: currency, subscriptions: figures.subscriptions,
                                  annualRecurring: figures.annualRecurring, monthlyRecurring: figures.monthlyRecurring, saturated: figures.saturated))
            }
        }
        return (.init(from: first * 86_400, to: (first + days) * 86_400), rows)
    }

    /// The UTC day holding `time`, in days since 1970-01-01 (rounded down before it).
    static func day(of time: Int64) -> Int64 {
        time >= 0 ? time / 86_400 : -((-time + 86_399) / 86_400)
    }
}
