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
            json.member("machine_key", machineKey)
            json.member("platform", platform)
            json.member("replaces", replaces)
            json.member("serial", serial)
        }
    }
}
