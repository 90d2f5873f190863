extension Metering: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.key("allowance")
            json.array { json in
                for item in allowance {
                    json.object { json in
                        json.member("feature", item.feature)
                        json.member("units", item.units)
                    }
                }
            }
            json.member("ceiling_percent", ceilingPercent)
            json.member("overage", overage)
            json.member("period", period)
            json.member("unit_price", unitPrice)
        }
    }
}

extension CanonicalJSONReader {
    /// Reads metering as ``Metering/write(to:)`` writes it.
    public mutating func metering() -> Metering? {
        var allowance: [MeteredFeature]?
        var ceiling: Int64??
        var overage, period: String?
        var unitPrice: Price?
        let read = object { key, json in
            switch key {
            case "allowance": return CanonicalJSONReader.once(&allowance, json.array(of: { $0.meteredFeature() }))
            case "ceiling_percent": return CanonicalJSONReader.once(&ceiling, json.optional { $0.integer() })
            case "overage": return CanonicalJSONReader.once(&overage, json.string())
            case "period": return CanonicalJSONReader.once(&period, json.string())
            case "unit_price": return CanonicalJSONReader.once(&unitPrice, json.price())
            default: return false
            }
        }
        guard read, let allowance, let overage, let period, let unitPrice else { return nil }
        var metering = Metering(allowance: [], unitPrice: unitPrice, overage: .bill, period: period)
        metering.allowance = allowance  // as decoded, not sorted as the initialiser sorts it
        metering.overage = overage
        metering.ceilingPercent = ceiling ?? nil
        return metering
    }

    private mutating func meteredFeature() -> MeteredFeature? {
        var feature: String?
        var units: Int64?
        let read = object { key, json in
            switch key {
            case "feature": return CanonicalJSONReader.once(&feature, json.string())
            case "units": return CanonicalJSONReader.once(&units, json.integer())
            default: return false
            }
        }
        guard read, let feature, let units else { return nil }
        return MeteredFeature(feature: feature, units: units)
    }
}
