import Foundation
import TollgateAPI
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// The service a simulated node runs below its socket: the real `NodeExecutor` (inline, on the
/// thread that holds the node) and `NodeAPI` over the node's `LicensingNode`. Every request the
/// node gets — a child's sync call off the simulated network, its customers' and its operator's
/// calls at its own site — is handed to `NodeAPI.handle` as the HTTP server would hand it: same
/// route table, decoding, batched issue and activation path, status codes and problems.
final class NodeService {
    /// What handling one request gave.
    struct Handled {
        let response: HTTPResponse
        /// Storage faults injected while it was handled.
        let faults: Int
        /// With faults active: a refusal (503) that left the log other than it was. Always false otherwise.
        let refusalChangedLog: Bool
    }

    let executor: NodeExecutor
    private let node: LicensingNode
    private let api: NodeAPI
    private let clock = ServiceClock()
    private let authorization: String
    /// The node's storage faults, armed while a request is handled; nil when it has none.
    let faults: StorageFaultInjector?
    /// Request bodies as an operator's tool or a customer's software encodes them (keys sorted).
    private let encoder: JSONEncoder

    /// The node's name, as the transcript names it.
    private let name: String
    /// Where the node's calls are recorded, when the run keeps a transcript.
    private let transcript: TranscriptRecorder?

    init(node: LicensingNode, name: String, operatorToken: String, faults: StorageFaultInjector?, transcript: TranscriptRecorder?) {
        self.node = node
        self.name = name
        self.transcript = transcript
        self.faults = faults
        executor = NodeExecutor(inline: node)
        authorization = "Bearer " + operatorToken
        let clock = clock
        // The node's log lines are the SQL detail of storage failures; in a run every one is a fault
        // the scenario injected and the run judges by the answer the client got, so none is printed.
        api = NodeAPI(executor: executor, token: OperatorToken(operatorToken), anchorPEM: "", nodeName: name, clock: { clock.read() },
                      log: { _ in })
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Hands `request` to the API at the node's clock reading `local`, simulated time `time`.
    func handle(_ request: HTTPRequest, at local: Int64, time: Int64) -> Handled {
        clock.set(local)
        guard let faults, faults.isActive(at: time) else {
            return Handled(response: api.handle(request), faults: 0, refusalChangedLog: false)
        }
        let before = logState()
        faults.arm(at: time)
        let response = api.handle(request)
        let injected = faults.disarm()
        let changed = response.status.code == 503 && logState() != before
        return Handled(response: response, faults: injected, refusalChangedLog: changed)
    }

    /// Runs `body` (work of the node's own, such as its side of a sync round) with the node's storage faults armed.
    func withFaults<T, E: Error>(at time: Int64, _ body: () throws(E) -> T) -> (result: Result<T, E>, faults: Int) {
        guard let faults, faults.isActive(at: time) else { return (Result { () throws(E) in try body() }, 0) }
        faults.arm(at: time)
        let result = Result { () throws(E) in try body() }
        return (result, faults.disarm())
    }

    /// The log's size and root hash, read directly (the checker's view, not a request).
    private func logState() -> [UInt8] {
        guard let size = try? node.logSize(), let root = try? node.store.log.rootHash(atSize: size) else { return [] }
        return withUnsafeBytes(of: size.bigEndian, Array.init) + root
    }

    /// `endpoint`'s request, its body `body` (JSON unless the endpoint takes a bare object), with
    /// the operator's token when the endpoint is the operator's.
    func request(_ endpoint: Endpoint, parameters: [String: String] = [:], query: [(name: String, value: String)] = [], body: [UInt8] = []) -> HTTPRequest {
        var headers = HTTPHeaders()
        if endpoint.caller == .operator { headers.add(name: "Authorization", value: authorization) }
        if !body.isEmpty { headers.add(name: "Content-Type", value: endpoint == .machineRequest || endpoint == .leaseRequest ? "application/jose" : "application/json") }
        return HTTPRequest(method: endpoint.method, path: endpoint.target(parameters, query: query) ?? endpoint.path.description, headers: headers, body: body)
    }

    /// `value` as a request body.
    func body<T: Encodable>(_ value: T) -> [UInt8] {
        // Encoding the wire's request types (strings, numbers, arrays of them) cannot fail.
        (try? encoder.encode(value)).map(Array.init) ?? []
    }

    /// A call at the node's own site (its customers at the counter, its operator at the console):
    /// the request's bytes handed to the API as the server would read them, and the answer read
    /// back from its bytes.
    func call(_ endpoint: Endpoint, parameters: [String: String] = [:], query: [(name: String, value: String)] = [], body: [UInt8] = [],
              at local: Int64, time: Int64) -> Handled {
        let sent = WireMessage(exchange: 0, .request(request(endpoint, parameters: parameters, query: query, body: body))).encoded()
        guard let request = WireMessage(bytes: sent)?.request else {
            return Handled(response: .problem(status: .badRequest, detail: "the request's bytes do not parse"), faults: 0, refusalChangedLog: false)
        }
        let handled = handle(request, at: local, time: time)
        let answer = WireMessage(bytes: WireMessage(exchange: 0, .response(handled.response)).encoded())?.response
            ?? .problem(status: HTTPStatus(502), detail: "the answer's bytes do not parse")
        transcript?.record(endpoint, at: name, request: request, response: answer, time: time)
        return Handled(response: answer, faults: handled.faults, refusalChangedLog: handled.refusalChangedLog)
    }

    /// The answer's body read with `read` when its status is `expected` (or `alternative`); else the refusal it carries.
    static func read<T>(_ response: HTTPResponse, expecting expected: HTTPStatus, or alternative: HTTPStatus? = nil,
                        _ read: (Data) throws -> T) throws(ServiceRefusal) -> T {
        guard response.status.code == expected.code || response.status.code == alternative?.code else { throw ServiceRefusal(response) }
        do {
            return try read(Data(response.body))
        } catch {
            throw ServiceRefusal(status: response.status.code, problem: "undecodable", detail: "\(error)")
        }
    }

}
