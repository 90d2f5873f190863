/// What a floating (concurrent-seat) grant allows: the longest lease a lease server may sign and
/// the longest borrow (a lease for a machine going offline). A certificate carries the most it lets
/// its holder sell; a floating license carries what it was sold with, never more. A lease shorter
/// than a heartbeat interval is the customer's choice; a longer one is a seat kept past its use.
public struct FloatingTerms: Codable, Hashable, Sendable {
    /// Longest lease, `exp - nbf`, in seconds.
    public var lease: Int64
    /// Longest borrow, `exp - nbf`, in seconds; 0 allows no borrowing.
    public var borrow: Int64

    public init(lease: Int64, borrow: Int64) {
        self.lease = lease
        self.borrow = borrow
    }

    /// Whether these terms allow nothing `parent` does not: no longer lease and no longer borrow.
    public func isWithin(_ parent: FloatingTerms) -> Bool {
        lease <= parent.lease && borrow <= parent.borrow
    }

    func validate(object: String) throws(VerificationError) {
        guard lease > 0, lease <= ObjectLimits.latestTime, borrow >= 0, borrow <= ObjectLimits.latestTime else {
            throw VerificationError(.invalidField, object, "floating needs lease from 1 and borrow from 0 to \(ObjectLimits.latestTime) s, got lease \(lease), borrow \(borrow)")
        }
    }
}

extension FloatingTerms: CustomStringConvertible {
    public var description: String { "lease \(TimeText.duration(lease)), borrow \(TimeText.duration(borrow))" }
}

extension FloatingTerms: CanonicalJSONWritable {
    public func write(to json: inout CanonicalJSONWriter) {
        json.object { json in
            json.member("borrow", borrow)
            json.member("lease", lease)
        }
    }
}

extension CanonicalJSONReader {
    /// Reads floating terms as ``FloatingTerms/write(to:)`` writes them.
    public mutating func floatingTerms() -> FloatingTerms? {
        var lease, borrow: Int64?
        let read = object { key, json in
            switch key {
            case "borrow": return CanonicalJSONReader.once(&borrow, json.integer())
            case "lease": return CanonicalJSONReader.once(&lease, json.integer())
            default: return false
            }
        }
        guard read, let lease, let borrow else { return nil }
        return FloatingTerms(lease: lease, borrow: borrow)
    }
}

extension FloatingTerms {
    /// The license model name that floating terms come with.
    public static let model = "floating"
}
