import TollgateCertificates

extension PushRequest {
    /// Most segments one push may carry: the sender's own and its descendants' (a tree of 8 levels
    /// is wide, but not this wide).
    public static let maxSegments = 4_096

    /// Range-checks what a push claims before anything uses it: positions below 2^53 (so no sum of
    /// a position and a count overflows, and every position fits SQLite's integers), times inside
    /// ``ObjectLimits``, node ids and kinds of sane length.
    public func validate() throws(WireError) {
        guard !segments.isEmpty, segments.count <= Self.maxSegments else {
            throw WireError(.outOfRange, "a push carries 1 to \(Self.maxSegments) segments, not \(segments.count)")
        }
        for (number, segment) in segments.enumerated() {
            let name = "segment \(number)"
            guard !segment.node.isEmpty, segment.node.utf8.count <= ObjectLimits.maxStringBytes else {
                throw WireError(.outOfRange, "\(name) names no node, or a node id over \(ObjectLimits.maxStringBytes) bytes")
            }
            guard segment.from < ObjectLimits.maxIndex, UInt64(segment.entries.count) <= ObjectLimits.maxIndex - segment.from else {
                throw WireError(.outOfRange, "\(name) starts at \(segment.from): log positions stay below 2^53")
            }
            guard segment.proofFrom < ObjectLimits.maxIndex, segment.proof.count <= 128 else {
                throw WireError(.outOfRange, "\(name) has proof_from \(segment.proofFrom) or \(segment.proof.count) proof hashes: out of range")
            }
            guard (segment.head == nil) == (segment.headProof == nil), segment.headProof?.count ?? 0 <= 128 else {
                throw WireError(.outOfRange, "\(name) has a head without its proof, a proof without its head, or over 128 head proof hashes")
            }
            for (offset, entry) in segment.entries.enumerated() {
                guard entry.appendedAt >= ObjectLimits.earliestTime, entry.appendedAt <= ObjectLimits.latestTime else {
                    throw WireError(.outOfRange, "\(name) entry \(offset) has appended_at \(entry.appendedAt), outside 0 to \(ObjectLimits.latestTime)")
                }
                guard !entry.kind.isEmpty, entry.kind.utf8.count <= 64 else {
                    throw WireError(.outOfRange, "\(name) entry \(offset) has an empty kind or one over 64 bytes")
                }
            }
        }
    }
}

extension PullResponse {
    /// Most objects (certificate chains, revocations, return hashes) one pull answer carries.
    public static let maxObjects = 256
    /// About the most bytes of objects one pull answer carries (a page holds at least one object).
    public static let maxBytes = 4 << 20

    /// Range-checks a parent's answer: the next page's position below 2^53, an advertised budget
    /// that is positive.
    public func validate() throws(WireError) {
        if let next, next >= ObjectLimits.maxIndex {
            throw WireError(.outOfRange, "the parent's next pull page starts at \(next): log positions stay below 2^53")
        }
        if let pushBudget, pushBudget.bytes <= 0 || pushBudget.entries <= 0 {
            throw WireError(.outOfRange, "the parent advertises a push budget of \(pushBudget.bytes) bytes and \(pushBudget.entries) entries")
        }
    }
}

extension PushResponse {
    /// Longest finding id an answer may name (ids are base64url SHA-256 digests, 43 bytes).
    public static let maxFindingIDBytes = 64

    /// Range-checks a parent's answer: acknowledged sizes below 2^53, finding ids of digest length.
    public func validate() throws(WireError) {
        if let (node, size) = acked.first(where: { $0.value >= ObjectLimits.maxIndex }) {
            throw WireError(.outOfRange, "the parent acknowledges \(size) entries of \(node): log positions stay below 2^53")
        }
        if let (node, id) = findings?.first(where: { $0.value.utf8.count > Self.maxFindingIDBytes }) {
            throw WireError(.outOfRange, "the parent names a finding against \(node) with an id of \(id.utf8.count) bytes (at most \(Self.maxFindingIDBytes))")
        }
    }
}
