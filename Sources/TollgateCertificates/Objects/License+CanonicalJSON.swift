extension License: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("addon_of", addonOf)
            json.member("cert", cert)
            json.member("converts", converts)
            json.member("country", country)
            json.member("customer", customer)
            json.member("enforcement", enforcement)
            json.member("exp", exp)
            if let expiry { json.member("expiry", expiry) }
            json.member("features", features)
            if let floating { json.member("floating", floating) }
            json.member("iat", iat)
            json.member("iss", iss)
            json.member("jti", jti)
            json.member("log_index", logIndex)
            if let metering { json.member("metering", metering) }
            json.member("model", model)
            json.member("nbf", nbf)
            json.member("price", price)
            json.member("product", product)
            json.member("renews", renews)
            json.member("seats", seats)
            json.member("supersedes", supersedes)
            json.member("territory", territory)
            json.member("tier", tier)
            json.member("updates_until", updatesUntil)
        }
    }
}

extension License {
    /// Reads the form ``write(to:)`` writes (see ``CanonicalJSONReader``).
    public static func read(canonicalJSON bytes: [UInt8]) -> License? {
        var reader = CanonicalJSONReader(bytes)
        var iss, cert, customer, country, product, model, jti: String?
        var territory, features: [String]?
        var seats: SerialRange?
        var price: Price?
        var iat, nbf: Int64?
        var logIndex: UInt64?
        var exp, updatesUntil: Int64??
        var renews, tier, supersedes, addonOf, converts, enforcement: String??
        var expiry: ExpiryBehaviour??
        var metering: Metering??
        var floating: FloatingTerms??
        let read = reader.object { key, json in
            switch key {
            case "addon_of": return CanonicalJSONReader.once(&addonOf, json.optional { $0.string() })
            case "converts": return CanonicalJSONReader.once(&converts, json.optional { $0.string() })
            case "supersedes": return CanonicalJSONReader.once(&supersedes, json.optional { $0.string() })
            case "cert": return CanonicalJSONReader.once(&cert, json.string())
            case "country": return CanonicalJSONReader.once(&country, json.string())
            case "customer": return CanonicalJSONReader.once(&customer, json.string())
            case "enforcement": return CanonicalJSONReader.once(&enforcement, json.optional { $0.string() })
            case "exp": return CanonicalJSONReader.once(&exp, json.optional { $0.integer() })
            case "expiry": return CanonicalJSONReader.once(&expiry, json.optional { $0.expiryBehaviour() })
            case "features": return CanonicalJSONReader.once(&features, json.strings())
            case "floating": return CanonicalJSONReader.once(&floating, json.optional { $0.floatingTerms() })
            case "iat": return CanonicalJSONReader.once(&iat, json.integer())
            case "iss": return CanonicalJSONReader.once(&iss, json.string())
            case "jti": return CanonicalJSONReader.once(&jti, json.string())
            case "log_index": return CanonicalJSONReader.once(&logIndex, json.unsigned())
            case "metering": return CanonicalJSONReader.once(&metering, json.optional { $0.metering() })
            case "model": return CanonicalJSONReader.once(&model, json.string())
            case "nbf": return CanonicalJSONReader.once(&nbf, json.integer())
            case "price": return CanonicalJSONReader.once(&price, json.price())
            case "product": return CanonicalJSONReader.once(&product, json.string())
            case "renews": return CanonicalJSONReader.once(&renews, json.optional { $0.string() })
            case "seats": return CanonicalJSONReader.once(&seats, json.serialRange())
            case "territory": return CanonicalJSONReader.once(&territory, json.strings())
            case "tier": return CanonicalJSONReader.once(&tier, json.optional { $0.string() })
            case "updates_until": return CanonicalJSONReader.once(&updatesUntil, json.optional { $0.integer() })
            default: return false
            }
        }
        guard read, reader.isAtEnd, let iss, let cert, let seats, let customer, let country, let territory, let product,
              let features, let model, let price, let iat, let nbf, let logIndex, let jti else { return nil }
        var license = License(iss: iss, cert: cert, seats: seats, customer: customer, country: country, territory: territory,
                              product: product, features: features, model: model, price: price, iat: iat, nbf: nbf,
                              exp: exp ?? nil, logIndex: logIndex, jti: jti, renews: renews ?? nil,
                              tier: tier ?? nil, expiry: expiry ?? nil, supersedes: supersedes ?? nil,
                              addonOf: addonOf ?? nil, converts: converts ?? nil, metering: metering ?? nil, floating: floating ?? nil,
                              updatesUntil: updatesUntil ?? nil, enforcement: enforcement ?? nil)
        // As decoded, not sorted as the initialiser sorts them.
        license.territory = territory
        license.features = features
        return license
    }
}
