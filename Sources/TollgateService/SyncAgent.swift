import Foundation
import Synchronization
import TollgateCertificates
import TollgateCrypto
import TollgateHTTP
import TollgateNode

/// Syncs a node with its parent over libcurl: pull (certificates, revocations), then push (its log
/// and its descendants' logs). Runs on its own thread with backoff and jitter; the node is only
/// touched through the executor for short steps, so a sync never blocks issuing or activating.
public final class SyncAgent: Sendable {
    /// The outcome of one round.
    public struct Round: Sendable {
        public var pushed: Int
        public var acked: [String: UInt64]
        public var refused: [String: String]
    }

    let executor: NodeExecutor
    let identity: NodeIdentity
    let parentURL: String
    let configuration: HTTPClientConfiguration
    let clock: @Sendable () -> Int64
    private let stopping = Mutex(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let status = Mutex<(lastSuccess: Int64?, lastError: String?)>((nil, nil))

    public init(executor: NodeExecutor, identity: NodeIdentity, parentURL: String, caBundle: String? = nil,
                clock: @escaping @Sendable () -> Int64) {
        self.executor = executor
        self.identity = identity
        self.parentURL = parentURL.hasSuffix("/") ? String(parentURL.dropLast()) : parentURL
        var configuration = HTTPClientConfiguration()
        configuration.caBundlePath = caBundle
        self.configuration = configuration
        self.clock = clock
    }

    /// Starts the background loop: a round now, then every `schedule.interval` seconds, backing off after failures.
    public func start(schedule: SyncSchedule) {
        let thread = Thread { [self] in loop(schedule: schedule) }
        thread.name = "tollgate-sync"
        thread.start()
    }

    /// Stops the loop after the round in progress.
    public func stop() {
        stopping.withLock { $0 = true }
        wake.signal()
        finished.wait()
    }

    public var lastStatus: (lastSuccess: Int64?, lastError: String?) { status.withLock { $0 } }

    private func loop(schedule: SyncSchedule) {
        var schedule = schedule
        var generator = SystemRandomNumberGenerator()
        let client = try? HTTPClient(configuration: configuration)
        while !stopping.withLock({ $0 }) {
            var delay: Int64
            do {
                guard let client else { throw NodeError(.storage, "libcurl could not be initialised") }
                _ = try runOnce(client: client)
                delay = schedule.afterSuccess(draw: Double.random(in: 0..<1, using: &generator))
            } catch {
                let reason = "\(error)"
                status.withLock { $0.lastError = reason }
                let now = clock()
                _ = try? executor.perform { node throws(NodeError) in try node.recordSyncFailure(reason, at: now) }
                delay = schedule.afterFailure(draw: Double.random(in: 0..<1, using: &generator))
            }
            _ = wake.wait(timeout: .now() + .seconds(Int(delay)))
        }
        finished.signal()
    }

    /// One pull and one push. Throws when the parent cannot be reached or refuses this node's own log.
    @discardableResult
    public func runOnce(client: HTTPClient) throws -> Round {
        let pull: PullResponse = try call(client, method: .get, path: "/v1/sync/pull", body: [])
        let pulledAt = clock()
        try executor.perform { node throws(NodeError) in try node.receivePull(pull, at: pulledAt) }

        let pushedAt = clock()
        let push = try executor.perform { node throws(NodeError) in try node.makePush(at: pushedAt) }
        let body = push.encoded()
        let response: PushResponse = try call(client, method: .post, path: "/v1/sync/push", body: body, accept: [200, 409])
        let recordedAt = clock()
        try executor.perform { node throws(NodeError) in try node.recordPushResponse(response, pushed: push, at: recordedAt) }
        if let refusal = response.refused[identity.keyID] {
            throw NodeError(.logConflict, "the parent refused this node's log: \(refusal)")
        }
        status.withLock { $0 = (recordedAt, nil) }
        return Round(pushed: push.segments.reduce(0) { $0 + $1.entries.count }, acked: response.acked, refused: response.refused)
    }

    private func call<T: Decodable>(_ client: HTTPClient, method: HTTPMethod, path: String, body: [UInt8], accept: Set<Int> = [200]) throws -> T {
        let signature = try RequestSignature.sign(method: method.rawValue, target: path, body: body, date: clock(),
                                                  nonce: Base64URL.encode(SecureRandom.bytes(count: 16)), key: identity.key)
        var headers = HTTPHeaders()
        for (name, value) in signature.headers { headers.add(name: name, value: value) }
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        let response = try client.send(HTTPClientRequest(method: method, url: parentURL + path, headers: headers, body: body))
        guard accept.contains(response.status.code) else {
            let problem = response.problemDetails
            throw NodeError(.storage, "\(method) \(path) answered \(response.status): \(problem?.detail ?? response.bodyText)")
        }
        return try response.decodeJSON(T.self)
    }
}
