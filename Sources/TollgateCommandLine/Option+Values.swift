import Foundation

// The value types most options take, so a declaration names its type and its parsing comes with it.

extension Option where Value == String {
    /// Text taken as typed: a path, a URL, a name.
    public init(_ name: String, value valueName: String, help: String) {
        self.init(name, value: valueName, help: help) { text throws(ValidationError) in text }
    }
}

extension Option where Value == [String] {
    /// A comma-separated list, e.g. `--countries DE,AT`; blanks around items and empty items are dropped.
    public init(_ name: String, value valueName: String, help: String) {
        self.init(name, value: valueName, help: help) { text throws(ValidationError) in
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }
}

extension Option where Value: FixedWidthInteger & Sendable {
    /// A whole number, refused outside `range` when one is given.
    public init(_ name: String, value valueName: String, help: String, range: ClosedRange<Value>? = nil) {
        self.init(name, value: valueName, help: help) { text throws(ValidationError) in
            guard let value = Value(text, radix: 10) else {
                throw ValidationError("must be \(Value.isSigned ? "an integer" : "a non-negative integer"), got '\(text)'")
            }
            if let range, !range.contains(value) {
                throw ValidationError("must be \(Self.describe(range)), not \(value)")
            }
            return value
        }
    }

    private static func describe(_ range: ClosedRange<Value>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (1, Value.max): "positive"
        case (let lower, Value.max): "at least \(lower)"
        case (let lower, let upper): "between \(lower) and \(upper)"
        }
    }
}

extension Option where Value == Int64 {
    /// A point in time as Unix seconds: typed as Unix seconds, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`.
    public static func time(_ name: String, help: String) -> Option {
        Option(name, value: "time", help: help) { text throws(ValidationError) in try TimeArgument.instant(text) }
    }

    /// A length of time in seconds: typed as `90s`, `30m`, `12h`, `14d` or plain seconds.
    public static func duration(_ name: String, help: String) -> Option {
        Option(name, value: "duration", help: help) { text throws(ValidationError) in try TimeArgument.duration(text) }
    }
}

extension Option where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// One word of a fixed set, e.g. `--action activate|deactivate|emergency`; the placeholder lists them.
    public init(_ name: String, help: String) {
        let words = Value.allCases.map(\.rawValue)
        self.init(name, value: words.joined(separator: "|"), help: help) { text throws(ValidationError) in
            guard let value = Value(rawValue: text) else {
                throw ValidationError("must be one of \(words.joined(separator: ", ")), got '\(text)'")
            }
            return value
        }
    }
}
