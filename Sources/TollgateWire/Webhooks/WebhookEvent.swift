import Foundation
import TollgateCrypto

/// One event as a webhook delivery's body carries it. `id` is derived from the event's type and the
/// object it is about, so a receiver de-duplicates retried deliveries by it.
public struct WebhookEvent: Codable, Hashable, Sendable {
    public var id: String
    public var type: WebhookEventType
    /// When the node logged what the event reports, Unix seconds.
    public var time: Int64
    /// The node's name.
    public var node: String
    public var data: WebhookEventData

    public init(type: WebhookEventType, object: String, time: Int64, node: String, data: WebhookEventData) {
        self.id = Self.id(type: type, node: node, object: object)
        self.type = type
        self.time = time
        self.node = node
        self.data = data
    }

    /// `evt_` and 22 base64url characters of SHA-256 over the type, node and object id.
    public static func id(type: WebhookEventType, node: String, object: String) -> String {
        "evt_" + Base64URL.encode(SHA256Digest.hash(Array("\(type.rawValue)\n\(node)\n\(object)".utf8))).prefix(22)
    }

    /// The delivery body: canonical JSON (sorted keys), so a queued body is signed byte for byte as stored.
    public func body() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
