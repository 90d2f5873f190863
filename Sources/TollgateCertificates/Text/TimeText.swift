/// Times and durations as people read them in messages and reports: ISO 8601 UTC
/// (`2027-01-05T12:00:00Z`), relative (`in 3 days`), and durations in one unit (`7d`, `12h`).
/// Signed objects and wire bodies keep Unix seconds; only the text shown to a person changes.
public enum TimeText {
    /// `2027-01-05T12:00:00Z` for Unix seconds, proleptic Gregorian, any year from 0 to 9999.
    public static func iso(_ seconds: Int64) -> String {
        let days = day(of: seconds)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3_600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    /// `in 3 days` / `3 days ago` / `now`, in the largest unit that fits, rounded down.
    public static func relative(_ seconds: Int64, to now: Int64) -> String {
        let delta = seconds - now
        let magnitude = delta.magnitude
        guard magnitude >= 60 else { return "now" }
        let units: [(UInt64, String)] = [(86_400 * 365, "year"), (86_400, "day"), (3_600, "hour"), (60, "minute")]
        let (size, name) = units.first { magnitude >= $0.0 } ?? (60, "minute")
        let count = magnitude / size
        let text = "\(count) \(name)\(count == 1 ? "" : "s")"
        return delta > 0 ? "in \(text)" : "\(text) ago"
    }

    /// `2027-01-05T12:00:00Z (in 3 days)`: a time with how far it is from `now`.
    public static func iso(_ seconds: Int64, relativeTo now: Int64) -> String {
        "\(iso(seconds)) (\(relative(seconds, to: now)))"
    }

    /// `7d`, `36h`, `90m`, `45s`: the largest of days, hours, minutes that divides the length
    /// exactly, so the text reads back as the same length where a duration is typed.
    public static func duration(_ seconds: Int64) -> String {
        for (size, unit) in [(Int64(86_400), "d"), (3_600, "h"), (60, "m")] where seconds != 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    /// `2027-01`: the calendar month (UTC) of Unix seconds, as reports group money by month.
    public static func month(_ seconds: Int64) -> String {
        let (year, month, _) = civil(fromDays: day(of: seconds))
        return "\(pad(year, 4))-\(pad(month, 2))"
    }

    /// The first second (UTC) of the calendar month holding `seconds`.
    public static func startOfMonth(of seconds: Int64) -> Int64 {
        let (year, month, _) = civil(fromDays: day(of: seconds))
        return days(fromCivil: year, month, 1) * 86_400
    }

    /// The first second (UTC) of the calendar month after the one holding `seconds`.
    public static func startOfNextMonth(after seconds: Int64) -> Int64 {
        let (year, month, _) = civil(fromDays: day(of: seconds))
        return days(fromCivil: month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) * 86_400
    }

    /// The day (since 1970-01-01, negative before) that holds Unix second `seconds`.
    private static func day(of seconds: Int64) -> Int64 {
        seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
    }

    /// Days from 1970-01-01 to the given date (Howard Hinnant's days_from_civil).
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month and day of the day `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
