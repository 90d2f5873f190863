import Foundation

/// Draws a run's timeline as SVG: one row per node, with cut links and crashes as bars, the sync
/// lag as a line (full row height = `sync_within`), planted cheats as triangles and findings as
/// dots, on a time axis in simulated days.
public struct TimelinePicture {
    public let timeline: Timeline
    public let title: String

    public init(timeline: Timeline, title: String) {
        self.timeline = timeline
        self.title = title
    }

    static let width = 1_200.0
    static let left = 70.0
    static let top = 58.0
    static let rowHeight = 26.0

    public func svg() -> String {
        let plotWidth = Self.width - Self.left - 20
        let end = Double(max(timeline.end, 1))
        let height = Self.top + Double(timeline.nodes.count) * Self.rowHeight + 40
        func x(_ time: Int64) -> Double { Self.left + Double(time) / end * plotWidth }
        func y(_ row: Int) -> Double { Self.top + Double(row) * Self.rowHeight }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var parts: [String] = []
        parts.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">")
        parts.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        parts.append("<text x=\"\(Self.left)\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(Self.escape(title))</text>")
        // Sync lag is drawn against the largest lag seen (at least an hour), so it shows at any sync_within.
        let lagScale = max(3_600, timeline.lag.flatMap { $0.map(\.seconds) }.max() ?? 0)
        let legend: [(String, String)] = [("#d62728", "link cut both ways"), ("#ff7f0e", "node→parent cut"), ("#9467bd", "parent→node cut"),
                                          ("#7f7f7f", "crashed"), ("#1f77b4", "sync lag (row = \(Self.hours(lagScale)))"),
                                          ("#000000", "cheat planted"), ("#e31a1c", "finding")]
        var legendX = Self.left
        for (color, label) in legend {
            parts.append("<rect x=\"\(number(legendX))\" y=\"28\" width=\"10\" height=\"10\" fill=\"\(color)\"/>")
            parts.append("<text x=\"\(number(legendX + 14))\" y=\"37\">\(Self.escape(label))</text>")
            legendX += 24 + Double(label.count) * 6
        }
        // Day grid.
        let days = Int(end / 86_400_000)
        let step = max(1, days / 30)
        for day in stride(from: 0, through: days, by: step) {
            let position = x(Int64(day) * 86_400_000)
            parts.append("<line x1=\"\(number(position))\" y1=\"\(Self.top - 4)\" x2=\"\(number(position))\" y2=\"\(number(height - 36))\" stroke=\"#eeeeee\"/>")
            parts.append("<text x=\"\(number(position))\" y=\"\(number(height - 22))\" text-anchor=\"middle\" fill=\"#555\">d\(day)</text>")
        }
        if timeline.workloadEnd > 0 {
            let position = x(timeline.workloadEnd)
            parts.append("<line x1=\"\(number(position))\" y1=\"\(Self.top - 4)\" x2=\"\(number(position))\" y2=\"\(number(height - 36))\" stroke=\"#2ca02c\" stroke-dasharray=\"4 3\"/>")
            parts.append("<text x=\"\(number(position - 3))\" y=\"\(number(height - 8))\" text-anchor=\"end\" fill=\"#2ca02c\">workload ends, network heals</text>")
        }
        for (row, name) in timeline.nodes.enumerated() {
            let base = y(row)
            parts.append("<rect x=\"\(Self.left)\" y=\"\(number(base))\" width=\"\(number(plotWidth))\" height=\"\(number(Self.rowHeight - 2))\" fill=\"\(row % 2 == 0 ? "#fafafa" : "#f2f2f2")\"/>")
            parts.append("<text x=\"6\" y=\"\(number(base + Self.rowHeight / 2 + 4))\">\(Self.escape(name))</text>")
        }
        for outage in timeline.outages {
            let color: String
            let band: (Double, Double)
            switch outage.kind {
            case .cut: (color, band) = ("#d62728", (0.0, 0.25))
            case .cutUp: (color, band) = ("#ff7f0e", (0.0, 0.25))
            case .cutDown: (color, band) = ("#9467bd", (0.0, 0.25))
            case .crash: (color, band) = ("#7f7f7f", (0.75, 0.25))
            }
            let start = x(outage.start)
            let stop = x(outage.end ?? timeline.end)
            let base = y(outage.node) + band.0 * (Self.rowHeight - 2)
            parts.append("<rect x=\"\(number(start))\" y=\"\(number(base))\" width=\"\(number(max(2, stop - start)))\" height=\"\(number(band.1 * (Self.rowHeight - 2)))\" fill=\"\(color)\" opacity=\"0.8\"/>")
        }
        let within = Double(lagScale)
        for (row, samples) in timeline.lag.enumerated() where !samples.isEmpty {
            let bottom = y(row) + Self.rowHeight - 3
            let points = samples.map { sample in
                "\(number(x(sample.time))),\(number(bottom - min(1, max(0, Double(sample.seconds)) / within) * (Self.rowHeight - 6)))"
            }
            parts.append("<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1\"/>")
        }
        for plant in timeline.plants {
            let cx = x(plant.time)
            let base = y(plant.node)
            parts.append("<path d=\"M\(number(cx - 5)),\(number(base + 16)) L\(number(cx + 5)),\(number(base + 16)) L\(number(cx)),\(number(base + 6)) Z\" fill=\"black\"><title>\(Self.escape(plant.label))</title></path>")
        }
        for finding in timeline.findings {
            parts.append("<circle cx=\"\(number(x(finding.time)))\" cy=\"\(number(y(finding.node) + 12))\" r=\"4\" fill=\"#e31a1c\" stroke=\"white\"><title>\(Self.escape(finding.label))</title></circle>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// `36 h` or `3.5 d`.
    static func hours(_ seconds: Int64) -> String {
        seconds < 2 * 86_400 ? "\(Int((Double(seconds) / 3_600).rounded())) h" : String(format: "%.1f d", Double(seconds) / 86_400)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
