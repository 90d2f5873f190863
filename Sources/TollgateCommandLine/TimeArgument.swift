import Foundation

/// Times and durations as typed on the command line.
public enum TimeArgument {
    /// Unix seconds, `YYYY-MM-DD` (midnight UTC) or ISO 8601 `YYYY-MM-DDTHH:MM:SSZ`.
    public static func instant(_ text: String) throws(ValidationError) -> Int64 {
        if let seconds = Int64(text) { return seconds }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970) }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970) }
        throw ValidationError("'\(text)' is not a time (Unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")
    }

    /// `90s`, `30m`, `12h`, `14d` or plain seconds.
    public static func duration(_ text: String) throws(ValidationError) -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        if let seconds = Int64(text), seconds > 0 { return seconds }
        if let unit = text.last, let factor = units[unit], let amount = Int64(text.dropLast()), amount > 0 {
            let (seconds, overflow) = amount.multipliedReportingOverflow(by: factor)
            if !overflow { return seconds }
        }
        throw ValidationError("'\(text)' is not a duration (e.g. 90s, 30m, 12h, 14d)")
    }

    public static var now: Int64 { Int64(Date().timeIntervalSince1970) }
}
