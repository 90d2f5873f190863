import Foundation
import TollgateHTTPMessages
import TollgateWire

/// An operator's (or the vendor's) console at a node: each call is the request's bytes through the
/// node's API (``NodeService``) with the operator's token, at the node's clock, and a refusal is
/// judged for the run before the caller sees it.
struct OperatorConsole {
    let context: RunContext

    /// A call at `node`: the answer read with `read` when it has status `expected` (or
    /// `alternative`), else the refusal, judged for the run first.
    func call<T>(_ endpoint: Endpoint, at node: SimulatedNode, parameters: [String: String] = [:], query: [(name: String, value: String)] = [],
                 body: [UInt8] = [], expecting expected: HTTPStatus, or alternative: HTTPStatus? = nil, _ what: String,
                 read: (Data) throws -> T) throws(ServiceRefusal) -> T {
        guard let service = node.service else { throw ServiceRefusal.down(node.name) }
        let now = context.now
        let handled = service.call(endpoint, parameters: parameters, query: query, body: body, at: node.clock(at: now), time: now)
        do {
            return try NodeService.read(handled.response, expecting: expected, or: alternative, read)
        } catch {
            context.judge(error, handled, what, at: node)
            throw error
        }
    }

    /// A call whose answer is JSON of type `T`.
    func call<T: Decodable>(_ endpoint: Endpoint, at node: SimulatedNode, parameters: [String: String] = [:],
                            query: [(name: String, value: String)] = [], body: [UInt8] = [],
                            expecting expected: HTTPStatus, or alternative: HTTPStatus? = nil, _ what: String,
                            as type: T.Type) throws(ServiceRefusal) -> T {
        try call(endpoint, at: node, parameters: parameters, query: query, body: body, expecting: expected, or: alternative, what) {
            try JSONDecoder().decode(T.self, from: $0)
        }
    }

    /// `value` as a request body for `node`.
    func body<T: Encodable>(_ value: T, for node: SimulatedNode) -> [UInt8] {
        node.service?.body(value) ?? []
    }
}
