import TollgateLedger

extension LicensingNode {
    /// How many entries of a descendant's log this node holds (0 for a node it never heard from).
    public func mirroredLogSize(of keyID: String) throws(NodeError) -> UInt64 {
        try storage {
            // Opening a mirror creates it: look only at descendants this node knows.
            guard try store.descendant(keyID: keyID) != nil else { return 0 }
            return try store.mirrorLog(keyID: keyID).size
        }
    }

    /// Entries `range` of the copy this node holds of a descendant's log.
    public func mirroredEntries(of keyID: String, in range: Range<UInt64>) throws(NodeError) -> [LogEntry] {
        let size = try mirroredLogSize(of: keyID)
        guard range.upperBound <= size else {
            throw NodeError(.invalidRequest, "entries \(range) are outside the \(size) entries held of \(keyID)'s log")
        }
        return try storage { try store.mirrorLog(keyID: keyID).entries(in: range) }
    }
}
