/// How much one push may carry: at most `bytes` of body and `entries` log entries over all its
/// segments. A backlog of any length goes up as a series of such pushes, each acknowledged before
/// the next is made, so neither side ever holds more than one push's worth of entries.
///
/// The one definition both sides use: a child keeps to ``standard`` narrowed to what its parent
/// advertises in its pull answers (``PullResponse/pushBudget``: the parent's request body limit,
/// `node serve --max-body`, and this entry budget), so a parent with a small body limit still
/// takes any backlog, one small push at a time.
public struct PushBudget: Codable, Hashable, Sendable {
    public var bytes: Int
    public var entries: Int

    /// 4 MiB and 4,096 entries: a quarter of `node serve`'s default 16 MiB body limit, and a push
    /// a parent verifies (one signature per entry, on all cores) in a fraction of a second.
    public static let standard = PushBudget(bytes: 4 << 20, entries: 4_096)

    /// The least a budget is taken to allow, whatever a parent advertises: a push always carries its
    /// segments' checkpoints and proofs, and at least one entry when there is one to send.
    public static let smallest = PushBudget(bytes: 16 << 10, entries: 1)

    public init(bytes: Int, entries: Int) {
        self.bytes = bytes
        self.entries = entries
    }

    /// The budget within both this one and `other` (and never below ``smallest``).
    public func narrowed(to other: PushBudget?) -> PushBudget {
        guard let other else { return self }
        return PushBudget(bytes: max(Self.smallest.bytes, min(bytes, other.bytes)), entries: max(Self.smallest.entries, min(entries, other.entries)))
    }

    /// What a parent whose request bodies may be at most `maxBodySize` bytes advertises.
    public static func accepted(byBodyLimit maxBodySize: Int) -> PushBudget {
        PushBudget(bytes: min(standard.bytes, maxBodySize), entries: standard.entries)
    }

    /// An upper bound on the bytes one entry adds to a push body: its JSON object with the kind
    /// escaped at worst (six bytes a byte), the bytes in base64url, the time's digits and a comma.
    public static func entryCost(kindBytes: Int, entryBytes: Int) -> Int {
        48 + 6 * kindBytes + (entryBytes * 4 + 2) / 3
    }

    /// An upper bound on what a segment adds to a push body besides its entries: its node id,
    /// checkpoint, head and proofs (each hash 43 base64url characters and its quotes and comma).
    public static func segmentCost(node: String, checkpoint: String, head: String?, proofHashes: Int) -> Int {
        160 + 6 * node.utf8.count + 2 * checkpoint.utf8.count + 2 * (head?.utf8.count ?? 0) + 48 * proofHashes
    }
}
