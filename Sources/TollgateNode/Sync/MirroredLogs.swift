import TollgateLedger

/// The copies this node holds of its descendants' logs, as others read them. Only
/// ``SegmentAcceptance`` writes them.
struct MirroredLogs: NodePart {
    let context: NodeContext

    /// See ``LicensingNode/mirroredLogSize(of:)``.
    func size(of keyID: String) throws(NodeError) -> UInt64 {
        try storage {
            // Opening a mirror creates it: look only at descendants this node knows.
            guard try store.descendant(keyID: keyID) != nil else { return 0 }
            return try store.mirrorLog(keyID: keyID).size
        }
    }

    /// See ``LicensingNode/mirroredEntries(of:in:)``.
    func entries(of keyID: String, in range: Range<UInt64>) throws(NodeError) -> [LogEntry] {
        let size = try size(of: keyID)
        guard range.upperBound <= size else {
            throw NodeError(.invalidRequest, "entries \(range) are outside the \(size) entries held of \(keyID)'s log")
        }
        return try storage { try store.mirrorLog(keyID: keyID).entries(in: range) }
    }
}
