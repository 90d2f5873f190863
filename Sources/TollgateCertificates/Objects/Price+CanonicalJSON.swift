extension Price: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("amount", amount)
            json.member("currency", currency)
        }
    }
}
