import Foundation
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// One sync round of a child with its parent, without I/O: it makes each request to send (signed
/// pulls, then signed pushes of the child's log and its descendants') and takes each answer, on the
/// node through its executor. A driver carries the requests: `SyncAgent` over libcurl, the
/// simulator over its simulated network. Both run exactly this round, so both send and take the
/// same messages under the same rules.
///
/// Every message is bounded. The pull comes in pages (each answer names where the next starts),
/// and the push goes in bounded segments: pull → push → answer → while the answer shows more to
/// send, the next push (a fresh signed request, within the budget the parent advertised) →
/// finished. Each answer is recorded at the node before the next push is made, and the parent
/// stores each push before it answers, so a round cut off anywhere resumes, in the next round, from
/// what was acknowledged: nothing is sent twice but the one push whose answer was lost, and no entry
/// is lost or stored twice.
///
/// Quota returns need no call of their own: a return is an entry of the child's log, and the parent
/// takes it in when it accepts the pushed segment; the next pull lists it as received.
public struct SyncRound {
    public enum Phase: String, Sendable {
        case pull, push
    }

    /// What the driver does next.
    public enum Step {
        /// Send this request to the parent and hand its answer to ``receive(_:at:)``.
        case send(HTTPRequest)
        /// The round is over and succeeded.
        case finished(Outcome)
    }

    /// What a round that succeeded did.
    public struct Outcome: Sendable {
        /// Entries pushed, over every segment of every push.
        public var pushed: Int
        /// Pushes made (each one request).
        public var pushes: Int
        /// What the parent now holds of each log, by node key id.
        public var acked: [String: UInt64]
        /// Descendants' segments the parent refused, with its reasons.
        public var refused: [String: String]
        /// For refused descendants' segments that prove a forked log, the parent's finding ids.
        public var findings: [String: String]
        /// The pull's answer, every page together, as the node took it.
        public var pull: PullResponse
    }

    /// Most pushes one round makes. A child selling faster than its parent takes entries in would
    /// otherwise never end its round, and so never pull (revocations) again; the next round goes on.
    public static let maxPushes = 256
    /// Most pull pages one round reads.
    public static let maxPullPages = 4_096

    public private(set) var phase = Phase.pull
    private let executor: NodeExecutor
    private var pull = PullResponse(certificates: [], revocations: [], returns: [])
    private var pullPages = 0
    /// Where the page last asked for starts.
    private var pullFrom: UInt64 = 0
    /// The most a push may carry this round, before the parent's advertised budget narrows it.
    private let ceiling: PushBudget
    private var budget: PushBudget
    private var pushed: PushRequest?
    private var pushes = 0
    private var entriesPushed = 0
    private var acked: [String: UInt64] = [:]
    private var refused: [String: String] = [:]
    private var findings: [String: String] = [:]

    /// A round of the node `executor` runs, its pushes within `pushCeiling` (the driver's
    /// ``PushPace``) and the parent's advertised budget.
    public init(executor: NodeExecutor, pushCeiling: PushBudget = .standard) {
        self.executor = executor
        ceiling = pushCeiling
        budget = pushCeiling
    }

    /// The pull request that opens the round, from where the node's last pull left off (its saved
    /// cursor), signed at `date` by the node; or with `presigned`, a signature made ahead of time
    /// over the pull from the start (the simulator signs off its main thread), used when the round
    /// does start there.
    public mutating func start(at date: Int64, presigned: RequestSignature? = nil) throws(SyncError) -> HTTPRequest {
        phase = .pull
        let from = try perform { node throws(NodeError) in try node.pullCursor() }
        pullFrom = from
        guard from > 0 else { return try request(.syncPull, body: [], at: date, presigned: presigned) }
        return try request(.syncPull, query: "from=\(from)", body: [], at: date)
    }

    /// Takes the parent's answer to the request last sent: the next request, or the outcome.
    public mutating func receive(_ response: HTTPResponse, at date: Int64) throws(SyncError) -> Step {
        switch phase {
        case .pull:
            let page: PullResponse = try Self.decode(response, of: .syncPull, accepting: [200])
            do {
                try page.validate()
            } catch {
                throw SyncError(.malformedAnswer, "\(Endpoint.syncPull.label) answered \(error.reason)", status: response.status.code)
            }
            if let next = page.next, next <= pullFrom || pullPages + 1 >= Self.maxPullPages {
                throw SyncError(.malformedAnswer, "the parent's pull pages do not advance (next page at \(next))", status: response.status.code)
            }
            // The node saves where the next page starts with what this one applied.
            try perform { node throws(NodeError) in try node.receivePull(page, at: date) }
            pull.certificates += page.certificates
            pull.revocations += page.revocations
            pull.returns += page.returns
            if pullPages == 0 { budget = ceiling.narrowed(to: page.pushBudget) }
            pullPages += 1
            if let next = page.next {
                pullFrom = next
                return .send(try request(.syncPull, query: "from=\(next)", body: [], at: date))
            }
            pull.next = nil
            pull.pushBudget = budget
            phase = .push
            return .send(try nextPush(at: date))
        case .push:
            // 409: the parent refused this node's own segment and says what it holds, so the next round resumes there.
            let answer: PushResponse = try Self.decode(response, of: .syncPush, accepting: [200, 409])
            guard let pushed else { throw SyncError(.malformedAnswer, "a push answer came before the push was made") }
            let more = try perform { node throws(NodeError) in try node.recordPushResponse(answer, pushed: pushed, at: date) }
            acked.merge(answer.acked) { $1 }
            // A relay refused by an earlier push (its node not yet known to the parent) may be taken by a later one.
            for node in answer.acked.keys where answer.refused[node] == nil {
                refused[node] = nil
                findings[node] = nil
            }
            refused.merge(answer.refused) { $1 }
            findings.merge(answer.findings ?? [:]) { $1 }
            if let own = pushed.segments.first, let refusal = answer.refused[own.node] {
                throw SyncError(.logRefused, "the parent refused this node's log: \(refusal)", status: response.status.code,
                                finding: answer.findings?[own.node])
            }
            if more && pushes < Self.maxPushes {
                return .send(try nextPush(at: date))
            }
            return .finished(Outcome(pushed: entriesPushed, pushes: pushes, acked: acked, refused: refused, findings: findings, pull: pull))
        }
    }

    /// The next push, made on the node within the budget and signed.
    private mutating func nextPush(at date: Int64) throws(SyncError) -> HTTPRequest {
        let budget = self.budget
        let push = try perform { node throws(NodeError) in try node.makePush(at: date, budget: budget) }
        pushed = push
        pushes += 1
        entriesPushed += push.segments.reduce(0) { $0 + $1.entries.count }
        return try request(.syncPush, body: push.encoded(), at: date)
    }

    /// Records at the node that a round failed, so its operator and reports see why.
    public func recordFailure(_ error: SyncError, at date: Int64) throws(NodeError) {
        try executor.perform { node throws(NodeError) in try node.recordSyncFailure(error.reason, at: date) }
    }

    private func perform<T: Sendable>(_ work: @escaping NodeExecutor.Work<T>) throws(SyncError) -> T {
        do {
            return try executor.perform(work)
        } catch {
            throw SyncError(error)
        }
    }

    /// `endpoint`'s request with `query` and `body`, signed by the node (or with `presigned`).
    private func request(_ endpoint: Endpoint, query: String? = nil, body: [UInt8], at date: Int64,
                         presigned: RequestSignature? = nil) throws(SyncError) -> HTTPRequest {
        let path = endpoint.path.description
        let target = path + (query.map { "?" + $0 } ?? "")
        let method = endpoint.method.rawValue
        let signature: RequestSignature
        if let presigned {
            signature = presigned
        } else {
            signature = try perform { node throws(NodeError) in try node.signRequest(method: method, target: target, body: body, at: date) }
        }
        var headers = HTTPHeaders()
        for (name, value) in signature.headers { headers.add(name: name, value: value) }
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        return HTTPRequest(method: endpoint.method, path: path, query: query, headers: headers, body: body)
    }

    /// The answer's body as `T`, or why it is not one: a refusal with its problem, or bytes that do not decode.
    private static func decode<T: Decodable>(_ response: HTTPResponse, of endpoint: Endpoint, accepting statuses: Set<Int>) throws(SyncError) -> T {
        // A 409 is a push answer only with the acknowledgement body; as a problem (`replayed`) it is a refusal.
        guard statuses.contains(response.status.code), response.problemDetails == nil else {
            let problem = response.problemDetails
            throw SyncError(.refused, "\(endpoint.label) answered \(response.status): \(problem?.detail ?? String(response.bodyText.prefix(200)))",
                            status: response.status.code, problem: problem?.type)
        }
        do {
            return try response.decodeJSON(T.self)
        } catch {
            throw SyncError(.malformedAnswer, "\(endpoint.label) answered a body that is not its message: \(error)", status: response.status.code)
        }
    }
}
