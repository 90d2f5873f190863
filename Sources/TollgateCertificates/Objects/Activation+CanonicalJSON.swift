extension Activation: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("country", country)
            json.member("exp", exp)
            json.member("fingerprint", fingerprint)
            json.member("iat", iat)
            json.member("iss", iss)
            json.member("jti", jti)
            json.member("kind", kind.rawValue)
            json.member("license", license)
            json.member("log_index", logIndex)
            json.member("machine_key", machineKey)
            json.member("over_use", overUse)
            json.member("platform", platform)
            json.member("replaces", replaces)
            json.member("serial", serial)
        }
    }
}

extension Activation {
    /// Reads the form ``write(to:)`` writes (see ``CanonicalJSONReader``).
    public static func read(canonicalJSON bytes: [UInt8]) -> Activation? {
        var reader = CanonicalJSONReader(bytes)
        var country, fingerprint, iss, jti, license, machineKey, platform: String?
        var kind: Kind?
        var iat: Int64?
        var serial: UInt64?
        var exp: Int64??
        var replaces: String??
        var logIndex, overUse: UInt64??
        let read = reader.object { key, json in
            switch key {
            case "country": return CanonicalJSONReader.once(&country, json.string())
            case "exp": return CanonicalJSONReader.once(&exp, json.optional { $0.integer() })
            case "fingerprint": return CanonicalJSONReader.once(&fingerprint, json.string())
            case "iat": return CanonicalJSONReader.once(&iat, json.integer())
            case "iss": return CanonicalJSONReader.once(&iss, json.string())
            case "jti": return CanonicalJSONReader.once(&jti, json.string())
            case "kind": return CanonicalJSONReader.once(&kind, json.string().flatMap(Kind.init(rawValue:)))
            case "license": return CanonicalJSONReader.once(&license, json.string())
            case "log_index": return CanonicalJSONReader.once(&logIndex, json.optional { $0.unsigned() })
            case "machine_key": return CanonicalJSONReader.once(&machineKey, json.string())
            case "over_use": return CanonicalJSONReader.once(&overUse, json.optional { $0.unsigned() })
            case "platform": return CanonicalJSONReader.once(&platform, json.string())
            case "replaces": return CanonicalJSONReader.once(&replaces, json.optional { $0.string() })
            case "serial": return CanonicalJSONReader.once(&serial, json.unsigned())
            default: return false
            }
        }
        guard read, reader.isAtEnd, let iss, let license, let serial, let machineKey, let fingerprint, let platform, let country,
              let iat, let kind, let jti else { return nil }
        return Activation(iss: iss, license: license, serial: serial, machineKey: machineKey, fingerprint: fingerprint,
                          platform: platform, country: country, iat: iat, exp: exp ?? nil, kind: kind, jti: jti, replaces: replaces ?? nil,
                          logIndex: logIndex ?? nil, overUse: overUse ?? nil)
    }
}
