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

    public init(node: String, from: UInt64, entries: [Entry], checkpoint: String, proofFrom: UInt64, proof: [String]) {
        self.node = node
        self.from = from
        self.entries = entries
        self.checkpoint = checkpoint
        self.proofFrom = proofFrom
        self.proof = proof
    }

    enum CodingKeys: String, CodingKey {
        case node, from, entries, checkpoint, proof
        case proofFrom = "proof_from"
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
    public var acked: [String: UInt64]
    /// Segments refused, with the reason (the rest were stored).
    public var refused: [String: String]

    public init(acked: [String: UInt64], refused: [String: String] = [:]) {
        self.acked = acked
        self.refused = refused
    }
}

/// What a parent has for a child: certificates delegated to it (with chains), revocations that
/// concern its chain, and the hashes of its quota returns that have arrived. Where the child's next
/// push starts comes only from push answers, so a "resend from 0" is never overridden.
public struct PullResponse: Codable, Hashable, Sendable {
    public var certificates: [[String]]
    public var revocations: [String]
    public var returns: [String]

    public init(certificates: [[String]], revocations: [String], returns: [String]) {
        self.certificates = certificates
        self.revocations = revocations
        self.returns = returns
    }
}
