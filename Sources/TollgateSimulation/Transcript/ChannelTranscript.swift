import TollgateHTTPMessages
import TollgateWire

/// What a run asked of its nodes besides sync: every operator and machine call handed to a node's
/// `NodeAPI`, with the answer, in the order the nodes answered them, and the channel's nodes.
/// Replayed against real `tollgate node serve` processes (see the end-to-end parity test), it shows
/// that the simulator runs the service customers run: the same calls get the same answers.
public struct ChannelTranscript: Sendable {
    public struct Node: Sendable, Hashable {
        public let name: String
        /// The parent's name; nil for the root.
        public let parent: String?
        /// base64url of the node's raw public key, as delegations name it.
        public let subjectKey: String
        /// The key's thumbprint, the node's id in sync messages and reports.
        public let keyID: String

        init(name: String, parent: String?, subjectKey: String, keyID: String) {
            self.name = name
            self.parent = parent
            self.subjectKey = subjectKey
            self.keyID = keyID
        }
    }

    public struct Call: Sendable {
        /// The node that answered.
        public let node: String
        public let endpoint: Endpoint
        public let request: HTTPRequest
        public let response: HTTPResponse

        init(node: String, endpoint: Endpoint, request: HTTPRequest, response: HTTPResponse) {
            self.node = node
            self.endpoint = endpoint
            self.request = request
            self.response = response
        }
    }

    public internal(set) var nodes: [Node] = []
    public internal(set) var calls: [Call] = []
}
