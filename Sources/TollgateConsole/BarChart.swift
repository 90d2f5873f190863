/// A bar chart drawn on the server as inline SVG: no script, no style attribute (the policy forbids
/// inline styles; classes come from the stylesheet), a `<title>` and `<desc>` for assistive
/// technology, and a `<title>` per bar. The same figures always follow as a table, which is the
/// text alternative.
struct BarChart: Sendable {
    var id: String
    var title: String
    var bars: [(label: String, value: Int64)]

    static let width = 640, height = 220, left = 48, bottom = 40, top = 12

    var svg: Markup {
        let plotWidth = Self.width - Self.left - 8, plotHeight = Self.height - Self.bottom - Self.top
        let maximum = max(1, bars.map(\.value).max() ?? 1)
        let slot = bars.isEmpty ? plotWidth : plotWidth / max(1, bars.count)
        let barWidth = max(1, slot * 3 / 4)
        let total = bars.reduce(Int64(0)) { $0.addingReportingOverflow($1.value).overflow ? .max : $0 + $1.value }
        let labelEvery = max(1, bars.count / 8)
        var parts: [Markup] = []
        for (offset, bar) in bars.enumerated() {
            let barHeight = Int(Double(max(0, bar.value)) / Double(maximum) * Double(plotHeight))
            let x = Self.left + offset * slot + (slot - barWidth) / 2
            let y = Self.top + plotHeight - barHeight
            parts.append("<rect class=\"bar\" x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(barHeight)\"><title>\(bar.label): \(bar.value)</title></rect>")
            if offset % labelEvery == 0 {
                parts.append("<text x=\"\(x + barWidth / 2)\" y=\"\(Self.height - Self.bottom + 14)\" text-anchor=\"middle\">\(Self.short(bar.label))</text>")
            }
        }
        return """
            <svg class="chart" role="img" aria-labelledby="\(id)-title \(id)-desc" viewBox="0 0 \(Self.width) \(Self.height)" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(title)</title><desc id="\(id)-desc">\(bars.count) bars, total \(total), highest \(maximum == 1 && total == 0 ? 0 : maximum); the table below gives every figure.</desc>\
            <line class="axis" x1="\(Self.left)" y1="\(Self.top + plotHeight)" x2="\(Self.width - 8)" y2="\(Self.top + plotHeight)"/>\
            <line class="axis" x1="\(Self.left)" y1="\(Self.top)" x2="\(Self.left)" y2="\(Self.top + plotHeight)"/>\
            <text x="\(Self.left - 4)" y="\(Self.top + 10)" text-anchor="end">\(maximum)</text>\
            <text x="\(Self.left - 4)" y="\(Self.top + plotHeight)" text-anchor="end">0</text>\
            \(parts)</svg>
            """
    }

    /// A day `2027-01-05` as `01-05`; other labels cut to 10 characters.
    static func short(_ label: String) -> String {
        if label.count == 10, label.dropFirst(4).first == "-" { return String(label.dropFirst(5)) }
        return label.count > 10 ? String(label.prefix(9)) + "…" : label
    }
}
