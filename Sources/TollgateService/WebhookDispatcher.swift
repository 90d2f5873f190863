import Foundation
import Synchronization
import TollgateAPI
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// Posts the node's queued webhook events over libcurl on a thread of its own, off the request
/// path: a sale or activation only queues its event in its own transaction, and whatever a
/// receiver does (slow, down, answering 500) never reaches it. Each delivery is signed with the
/// node's key at the moment it is sent; each attempt goes into the delivery log, and a failed one
/// is due again by the ``WebhookRetrySchedule``. What is pending when the node stops is sent after
/// it starts again, since the outbox is in the node's store.
public final class WebhookDispatcher: Sendable {
    let executor: NodeExecutor
    let schedule: WebhookRetrySchedule
    let configuration: HTTPClientConfiguration
    let clock: @Sendable () -> Int64
    let log: @Sendable (String) -> Void
    /// The longest the loop sleeps with nothing due and no ``notify()``: what catches an event queued
    /// by anything that does not notify.
    static let longestSleep: Int64 = 30
    /// How long the loop waits after a ``notify()`` before it looks, so a burst of sales is one look.
    static let settle: TimeInterval = 0.05
    /// Deliveries taken from the outbox at a time.
    static let batch = 16
    private let stopping = Mutex(false)
    /// Whether a ``notify()`` is waiting for the loop: at most one wake is ever pending.
    private let notified = Mutex(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// `caBundle` is trusted for https receivers besides the system's CAs; each attempt may take
    /// `timeout` at most.
    public init(executor: NodeExecutor, schedule: WebhookRetrySchedule = .standard, caBundle: String? = nil, timeout: Duration = .seconds(10),
                clock: @escaping @Sendable () -> Int64, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.executor = executor
        self.schedule = schedule
        var configuration = HTTPClientConfiguration()
        configuration.caBundlePath = caBundle
        configuration.timeout = timeout
        configuration.connectTimeout = min(configuration.connectTimeout, timeout)
        configuration.maxResponseBodySize = 64 << 10
        self.configuration = configuration
        self.clock = clock
        self.log = log
    }

    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "tollgate-webhooks"
        thread.start()
    }

    /// Says an event may have been queued (`NodeAPI.attach(afterChange:)` calls it after each change):
    /// the loop looks soon instead of at its next due time. Cheap, and any number of calls while the
    /// loop is busy make one look.
    public func notify() {
        let first = notified.withLock { notified in
            defer { notified = true }
            return !notified
        }
        if first { wake.signal() }
    }

    /// Stops the loop after the attempt in progress.
    public func stop() {
        stopping.withLock { $0 = true }
        wake.signal()
        finished.wait()
    }

    private func loop() {
        let client = Result { () throws(HTTPClientError) in try HTTPClient(configuration: configuration) }
        while !stopping.withLock({ $0 }) {
            notified.withLock { $0 = false }
            switch client {
            case .success(let client):
                guard deliverDue(with: client) == 0 else { continue }
                // Nothing due now: sleep until the next retry is due, or a change may have queued an event.
                let next = try? executor.perform { node throws(NodeError) in try node.nextWebhookAttempt() }
                let sleep = min(Self.longestSleep, max(1, (next ?? .max) - clock()))
                if wake.wait(timeout: .now() + .seconds(Int(sleep))) == .success, !stopping.withLock({ $0 }) {
                    Thread.sleep(forTimeInterval: Self.settle)
                }
            case .failure(let error):
                log("webhooks: libcurl could not be set up, nothing is delivered: \(error)")
                _ = wake.wait(timeout: .now() + .seconds(60))
            }
        }
        finished.signal()
    }

    /// One pass: every delivery due now (up to ``batch``), attempted once each. Returns how many.
    @discardableResult
    public func deliverDue(with client: HTTPClient) -> Int {
        let now = clock()
        let due: [WebhookDelivery]
        let key: Ed25519PrivateKey
        do {
            due = try executor.perform { node throws(NodeError) in try node.dueWebhookDeliveries(at: now, limit: Self.batch) }
            guard !due.isEmpty else { return 0 }
            key = try executor.perform { node throws(NodeError) in node.identity.key }
        } catch {
            log("webhooks: could not read the outbox: \(error.reason)")
            return 0
        }
        for delivery in due where !stopping.withLock({ $0 }) {
            let attempt = send(delivery, key: key, with: client)
            let schedule = self.schedule
            do {
                let state = try executor.perform { node throws(NodeError) in try node.recordWebhookAttempt(delivery, attempt, schedule: schedule) }
                if !attempt.succeeded {
                    let why = attempt.status.map { "answered \($0)" } ?? attempt.error ?? "failed"
                    log("webhooks: delivery \(delivery.id) to \(delivery.url), attempt \(attempt.attempt): \(why)"
                        + (state == .failed ? "; given up after \(attempt.attempt) attempts" : ""))
                }
            } catch {
                log("webhooks: could not record attempt \(attempt.attempt) of delivery \(delivery.id): \(error.reason)")
            }
        }
        return due.count
    }

    /// One attempt: the body as queued, signed now, posted; the receiver's status or libcurl's error.
    private func send(_ delivery: WebhookDelivery, key: Ed25519PrivateKey, with client: HTTPClient) -> WebhookAttempt {
        let at = clock()
        let started = ContinuousClock.now
        var status: Int?
        var failure: String?
        do {
            let signature = try WebhookSignature.sign(body: delivery.body, at: at, key: key)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: WebhookSignature.header, value: signature.value)
            let response = try client.send(HTTPClientRequest(method: .post, url: delivery.url, headers: headers, body: delivery.body))
            status = response.status.code
        } catch {
            failure = "\(error)"
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return WebhookAttempt(attempt: delivery.attempt, at: at, status: status, error: failure.map { String($0.prefix(256)) },
                              durationMilliseconds: milliseconds)
    }
}
