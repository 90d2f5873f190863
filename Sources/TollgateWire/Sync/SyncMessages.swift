import Foundation
import TollgateCertificates

/// One node's log entries `[from, from + entries.count)`, its signed checkpoint at the end of them
/// and a consistency proof from the size the receiver last accepted. Relayed verbatim up the tree.
public struct LogSegment: Codable, Hashable, Sendable {
    public struct Entry: Codable, Hashable, Sendable {
        public var kind: String
        /// base64url of the entry's bytes.
        public var bytes: String
        public var appendedAt: Int64

        public init(kind: String, bytes: String, appendedAt: Int64) {
            self.kind = kind
            self.bytes = bytes
            self.appendedAt = appendedAt
        }

        enum CodingKeys: String, CodingKey {
            case kind, bytes
            case appendedAt = "appended_at"
        }
    }

    /// Key id of the node whose log this is.
    public var node: String
    public var from: UInt64
    public var entries: [Entry]
    /// The node's signed checkpoint (C2SP signed note) at `from + entries.count`.
    public var checkpoint: String
    /// Size of the checkpoint the proof starts from (the receiver's accepted size).
    public var proofFrom: UInt64
    /// base64url hashes of the consistency proof from `proofFrom` to the new size.
    public var proof: [String]
    /// The sender's own log goes up in bounded segments, so a segment may end before the log does.
    /// Then `head` is the sender's signed checkpoint of its whole log as it is now, and `headProof`
    /// the consistency proof from the segment's end to it: the parent witnesses the head, which
    /// dates every entry the sender has logged so far (the audit's backdating and hidden-issuance
    /// rules read witnessed sizes as "the log held this much then"), and holds the entries still to
    /// come to it. Absent when the segment reaches the end of the log, and on relayed segments.
    public var head: String?
    public var headProof: [String]?

    public init(node: String, from: UInt64, entries: [Entry], checkpoint: String, proofFrom: UInt64, proof: [String],
                head: String? = nil, headProof: [String]? = nil) {
        self.node = node
        self.from = from
        self.entries = entries
        self.checkpoint = checkpoint
        self.proofFrom = proofFrom
        self.proof = proof
        self.head = head
        self.headProof = headProof
    }

    /// Where the segment ends: `from + entries.count` (``PushRequest/validate()`` keeps it below 2^53).
    public var end: UInt64 { from + UInt64(entries.count) }

    enum CodingKeys: String, CodingKey {
        case node, from, entries, checkpoint, proof, head
        case proofFrom = "proof_from"
        case headProof = "head_proof"
    }
}

/// A child's push: its own segment first, then its descendants' segments, parents before children.
public struct PushRequest: Codable, Hashable, Sendable {
    public var segments: [LogSegment]

    public init(segments: [LogSegment]) {
        self.segments = segments
    }
}

/// What the parent now holds of each log, by node key id. A 409 answer carries the same body so the
/// child resumes from there.
public struct PushResponse: Codable, Hashable, Sendable {
    /// Where the sender's next segment of each log starts: the size the parent holds, or, for a
    /// segment wholly inside what it holds, that segment's end (so a sender walking its log again
    /// from an earlier size, as after a conflict, has every entry compared in turn).
    public var acked: [String: UInt64]
    /// Segments refused, with the reason (the rest were stored).
    public var refused: [String: String]
    /// For a refused segment that proves its node signed two different logs, the id of the audit
    /// finding the parent recorded with that proof, so the sender (and its operator) can name it.
    public var findings: [String: String]?

    public init(acked: [String: UInt64], refused: [String: String] = [:], findings: [String: String]? = nil) {
        self.acked = acked
        self.refused = refused
        self.findings = findings
    }
}

/// What a parent has for a child: certificates delegated to it (with chains), revocations that
/// concern its chain, and the hashes of its quota returns that have arrived. Where the child's next
/// push starts comes only from push answers, so a "resend from 0" is never overridden.
///
/// One answer is one page: the objects the parent logged from the position the pull asks for
/// (`GET /v1/sync/pull?from=`), at most ``PullResponse/maxObjects`` of them and about
/// ``PullResponse/maxBytes``; `next` says where the next page starts when more remain.
public struct PullResponse: Codable, Hashable, Sendable {
    public var certificates: [[String]]
    public var revocations: [String]
    public var returns: [String]
    /// The position in the parent's log to pull from next; nil on the last page.
    public var next: UInt64?
    /// What one push to this parent may carry (its body limit and entry budget); nil from a parent
    /// that does not say, for which the child keeps to ``PushBudget/standard``.
    public var pushBudget: PushBudget?

    public init(certificates: [[String]], revocations: [String], returns: [String], next: UInt64? = nil, pushBudget: PushBudget? = nil) {
        self.certificates = certificates
        self.revocations = revocations
        self.returns = returns
        self.next = next
        self.pushBudget = pushBudget
    }

    enum CodingKeys: String, CodingKey {
        case certificates, revocations, returns, next
        case pushBudget = "push_budget"
    }
}
