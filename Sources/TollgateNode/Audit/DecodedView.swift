import TollgateCertificates

/// What a ``ChannelView`` derives from the decoded logs of its subtree, kept by ``DecodedLogs`` for
/// the logs at the sizes and roots they had: every log's objects merged (by node, in key-id
/// order), the certificates the logs hold and the witnessed checkpoints whose signatures verified.
/// A view of the same logs at the same sizes and roots gets it as it was; any appended entry or
/// changed root makes a new one.
struct DecodedView: Sendable {
    /// One log of the view: the node, the log's name in the store, and the size and root decoded.
    struct Shape: Hashable, Sendable {
        var node: String
        var log: String
        var size: UInt64
        var root: [UInt8]
    }

    /// The view's logs, by node.
    var shape: [Shape]
    var objects: ChannelView.Objects
    var certificates: [SignedCertificate]
    var witnesses: [String: [(time: Int64, size: UInt64, checkpoint: String, log: String, index: UInt64)]]
}
