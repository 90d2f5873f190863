extension ExpiryBehaviour: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("grace_days", graceDays)
            json.member("then", then)
            json.member("tier", tier)
            json.member("warn_days", warnDays)
        }
    }
}

extension CanonicalJSONReader {
    /// Reads an expiry behaviour as ``ExpiryBehaviour/write(to:)`` writes it.
    public mutating func expiryBehaviour() -> ExpiryBehaviour? {
        var warnDays, graceDays: Int64?
        var then: String?
        var tier: String??
        let read = object { key, json in
            switch key {
            case "grace_days": return CanonicalJSONReader.once(&graceDays, json.integer())
            case "then": return CanonicalJSONReader.once(&then, json.string())
            case "tier": return CanonicalJSONReader.once(&tier, json.optional { $0.string() })
            case "warn_days": return CanonicalJSONReader.once(&warnDays, json.integer())
            default: return false
            }
        }
        guard read, let warnDays, let graceDays, let then else { return nil }
        var behaviour = ExpiryBehaviour(warnDays: warnDays, graceDays: graceDays, ending: .lock)
        behaviour.then = then
        behaviour.tier = tier ?? nil
        return behaviour
    }
}
