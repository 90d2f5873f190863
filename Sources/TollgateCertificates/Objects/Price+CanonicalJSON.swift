extension Price: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("amount", amount)
            json.member("currency", currency)
        }
    }
}

extension CanonicalJSONReader {
    /// Reads a price as ``Price/write(to:)`` writes it.
    public mutating func price() -> Price? {
        var currency: String?
        var amount: Int64?
        let read = object { key, json in
            switch key {
            case "amount": return CanonicalJSONReader.once(&amount, json.integer())
            case "currency": return CanonicalJSONReader.once(&currency, json.string())
            default: return false
            }
        }
        guard read, let currency, let amount else { return nil }
        return Price(currency: currency, amount: amount)
    }
}
