import Foundation
import TollgateCertificates

/// The bytes of a `checkpoint-witnessed` log entry: which descendant's checkpoint this node saw,
/// and when. Being a log entry, the time is covered by this node's own checkpoints.
public struct WitnessRecord: Codable, Hashable, Sendable {
    /// Key id of the node whose checkpoint this is.
    public var node: String
    public var witnessedAt: Int64
    /// The checkpoint's signed note, verbatim.
    public var checkpoint: String

    public init(node: String, witnessedAt: Int64, checkpoint: String) {
        self.node = node
        self.witnessedAt = witnessedAt
        self.checkpoint = checkpoint
    }

    enum CodingKeys: String, CodingKey {
        case node, checkpoint
        case witnessedAt = "witnessed_at"
    }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    /// Reads a record from a log, which may be a descendant's relayed log: strict JSON, and a time
    /// inside ``ObjectLimits`` so comparing it with a clock cannot overflow.
    public init(bytes: [UInt8]) throws {
        try StrictJSON.check(bytes, object: "witness record")
        self = try JSONDecoder().decode(WitnessRecord.self, from: Data(bytes))
        guard witnessedAt >= ObjectLimits.earliestTime, witnessedAt <= ObjectLimits.latestTime, !node.isEmpty,
              node.utf8.count <= ObjectLimits.maxStringBytes else {
            throw NodeError(.invalidRequest, "a witness record's time \(witnessedAt) or node id is out of range")
        }
    }
}
