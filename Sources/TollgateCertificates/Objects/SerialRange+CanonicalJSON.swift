extension SerialRange: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.array { json in
            json.integer(start)
            json.integer(end)
        }
    }
}
