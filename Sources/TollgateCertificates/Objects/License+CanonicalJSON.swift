extension License: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("cert", cert)
            json.member("country", country)
            json.member("customer", customer)
            json.member("exp", exp)
            json.member("features", features)
            json.member("iat", iat)
            json.member("iss", iss)
            json.member("jti", jti)
            json.member("log_index", logIndex)
            json.member("model", model)
            json.member("nbf", nbf)
            json.member("price", price)
            json.member("product", product)
            json.member("renews", renews)
            json.member("seats", seats)
            json.member("territory", territory)
        }
    }
}
