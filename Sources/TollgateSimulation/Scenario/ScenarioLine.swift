import Foundation

/// One setting line being read: its key, its positional words and its `name=value` options. Every
/// word must be used, so a misspelt option is an error rather than silently ignored.
struct Line {
    let file: String
    let number: Int
    let key: String
    private var positional: [String]
    private var options: [String: String]
    private var optionOrder: [String]

    init(file: String, number: Int, key: String, words: [String]) {
        self.file = file
        self.number = number
        self.key = key
        positional = []
        options = [:]
        optionOrder = []
        for word in words {
            if let equals = word.firstIndex(of: "="), equals != word.startIndex {
                let name = String(word[..<equals])
                options[name] = String(word[word.index(after: equals)...])
                optionOrder.append(name)
            } else {
                positional.append(word)
            }
        }
    }

    func error(_ code: ScenarioError.Code, _ message: String, file: String = #fileID, line: UInt = #line) -> ScenarioError {
        ScenarioError(code, "\(key): \(message)", path: self.file, lineNumber: number, file: file, line: line)
    }

    /// Fails on words nobody used.
    func finish() throws(ScenarioError) {
        if let extra = positional.first { throw error(.unexpectedWord, "unexpected '\(extra)'") }
        if let name = optionOrder.first(where: { options[$0] != nil }) { throw error(.unknownOption, "unknown option '\(name)'") }
    }

    // MARK: Positional values

    mutating func next() throws(ScenarioError) -> String {
        guard !positional.isEmpty else { throw error(.missingValue, "missing value") }
        return positional.removeFirst()
    }

    mutating func value<T>(_ parse: (String) -> T?) throws(ScenarioError) -> T {
        let word = try next()
        guard let value = parse(word) else { throw error(.invalidValue, "cannot read '\(word)'") }
        return value
    }

    mutating func count(min: Int) throws(ScenarioError) -> Int {
        let value = try value(Self.parseCount)
        guard value >= min else { throw error(.invalidValue, "must be at least \(min)") }
        return value
    }

    mutating func duration() throws(ScenarioError) -> Int64 { try value(Self.parseDuration) }
    mutating func signedDuration() throws(ScenarioError) -> Int64 { try value(Self.parseSignedDuration) }
    mutating func probability() throws(ScenarioError) -> Double { try value(Self.parseProbability) }
    mutating func rate() throws(ScenarioError) -> Double { try value(Self.parseRate) }

    mutating func durationRange() throws(ScenarioError) -> ClosedRange<Int64> {
        let moment = try value(Self.parseMoment)
        return moment.earliest...moment.latest
    }

    mutating func node() throws(ScenarioError) -> Scenario.NodeReference {
        let word = try next()
        switch word {
        case "random_regional": return .randomRegional
        case "random_general": return .randomGeneral
        case "random_agent": return .randomAgent
        default:
            guard word == "root" || Self.nodeNumber(word, prefix: "g") != nil || Self.nodeNumber(word, prefix: "r") != nil else {
                throw error(.unknownNode, "'\(word)' is not a node (root, g1…, r1…, random_regional, random_general, random_agent)")
            }
            return .named(word)
        }
    }

    /// An optional `both`, `up` or `down` word.
    mutating func direction() throws(ScenarioError) -> Scenario.Direction {
        if let word = positional.first, let direction = Scenario.Direction(rawValue: word) {
            positional.removeFirst()
            return direction
        }
        return .both
    }

    mutating func cheat() throws(ScenarioError) -> Cheat? {
        let word = try next()
        if word == "random" { return nil }
        guard let cheat = Cheat(rawValue: word) else {
            throw error(.invalidValue, "unknown cheat '\(word)' (\(Cheat.allCases.map(\.rawValue).joined(separator: ", ")), random)")
        }
        return cheat
    }

    // MARK: Options

    mutating func option<T>(_ name: String, _ parse: (String) -> T?) throws(ScenarioError) -> T? {
        guard let text = options.removeValue(forKey: name) else { return nil }
        guard let value = parse(text) else { throw error(.invalidValue, "cannot read \(name)=\(text)") }
        return value
    }

    mutating func required<T>(_ name: String, _ parse: (String) -> T?) throws(ScenarioError) -> T {
        guard let value = try option(name, parse) else { throw error(.missingOption, "needs \(name)=…") }
        return value
    }

    // MARK: Value syntax

    static func nodeNumber(_ word: String, prefix: Character) -> Int? {
        guard word.first == prefix, let number = Int(word.dropFirst()), number >= 1 else { return nil }
        return number
    }

    static func parseCount(_ text: String) -> Int? {
        Int(text.replacingOccurrences(of: "_", with: ""))
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    static func parseProbability(_ text: String) -> Double? {
        guard let value = Double(text), value >= 0, value <= 1 else { return nil }
        return value
    }

    /// `250ms`, `30s`, `5m`, `2h`, `3d`, `1.5d` → milliseconds.
    static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0, number.isFinite else { return nil }
            // Beyond Int64 milliseconds (about 292 million years) is not a duration but a trap.
            return Int64(exactly: (number * scale).rounded())
        }
        return nil
    }

    static func parseSignedDuration(_ text: String) -> Int64? {
        if text.hasPrefix("-") { return parseDuration(String(text.dropFirst())).map { -$0 } }
        if text.hasPrefix("+") { return parseDuration(String(text.dropFirst())) }
        return parseDuration(text)
    }

    /// A duration, or `earliest..latest`.
    static func parseMoment(_ text: String) -> Scenario.Moment? {
        let parts = text.components(separatedBy: "..")
        switch parts.count {
        case 1: return parseDuration(text).map { Scenario.Moment($0) }
        case 2:
            guard let low = parseDuration(parts[0]), let high = parseDuration(parts[1]), low <= high else { return nil }
            return Scenario.Moment(low, high)
        default: return nil
        }
    }

    /// `2/d`, `0.5/h` → events per day.
    static func parseRate(_ text: String) -> Double? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let count = Double(parts[0]), count >= 0 else { return nil }
        switch parts[1] {
        case "d": return count
        case "h": return count * 24
        default: return nil
        }
    }
}
