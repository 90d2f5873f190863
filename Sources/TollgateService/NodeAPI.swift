import Foundation
import Synchronization
import TollgateCertificates
import TollgateCrypto
import TollgateHTTP
import TollgateLedger
import TollgateNode

/// The node's HTTP API: routes requests to the node through its executor and turns refusals into
/// RFC 9457 problems. See `Deploy/openapi.yaml` for the whole API.
public final class NodeAPI: Sendable {
    let executor: NodeExecutor
    let token: OperatorToken
    let clock: @Sendable () -> Int64
    let anchorPEM: String
    let nodeName: String
    let requestCounts = Mutex<[String: UInt64]>([:])
    /// Reads the HTTP server's own counters for `/metrics` once the server exists.
    let serverMetrics = Mutex<(@Sendable () -> HTTPServerMetrics)?>(nil)

    public init(executor: NodeExecutor, token: OperatorToken, anchorPEM: String, nodeName: String,
                clock: @escaping @Sendable () -> Int64) {
        self.executor = executor
        self.token = token
        self.anchorPEM = anchorPEM
        self.nodeName = nodeName
        self.clock = clock
    }

    public func attach(metrics: @escaping @Sendable () -> HTTPServerMetrics) {
        serverMetrics.withLock { $0 = metrics }
    }

    /// The server's head check (`HTTPServer.HeadCheck`): a push must name a known child, a date inside
    /// the window and an unused nonce in its signature headers before its body (up to the body cap,
    /// 16 MiB for `node serve`) is read; anything else passes to `handle` once its body has arrived.
    public func checkHead(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.method == .post, head.path.split(separator: "/", omittingEmptySubsequences: true) == ["v1", "sync", "push"] else {
            return nil
        }
        let refusal: HTTPResponse
        if let signature = RequestSignature(header: { head.headers[$0] }) {
            let now = clock()
            do {
                _ = try executor.perform { node throws(NodeError) in try node.checkChildRequestHead(signature, at: now) }
                return nil
            } catch {
                refusal = APIProblem.response(for: error)
            }
        } else {
            refusal = APIProblem.nodeSignatureRequired
        }
        requestCounts.withLock { $0["POST /v1/sync/push", default: 0] += 1 }
        return refusal
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let route = Route(method: request.method.rawValue, parts: parts)
        // Counters are labelled by route template only (ids become `{id}`), so no path a caller
        // makes up can add a counter to /metrics.
        let label = routeTemplate(route) ?? "unmatched"
        requestCounts.withLock { $0[label, default: 0] += 1 }
        do {
            return try dispatch(route, request)
        } catch let error as NodeError {
            return APIProblem.response(for: error)
        } catch let error as APIRefusal {
            return error.response
        } catch {
            return APIProblem.malformedBody(error)
        }
    }

    /// A checkpoint of the log as it is now; while the store cannot record a new one (a full disk, a
    /// read-only directory), the last one recorded, which the log extends. A checkpoint is never handed
    /// out unrecorded: the record is what keeps the node from contradicting it later.
    private func publishedCheckpoint(at now: Int64) throws(NodeError) -> SignedCheckpoint {
        let failure: NodeError
        do {
            return try executor.perform { node throws(NodeError) in try node.signCheckpoint(at: now) }
        } catch {
            failure = error
        }
        guard failure.storageCondition != nil,
              let recorded = try executor.perform({ node throws(NodeError) in try node.latestCheckpoint() }) else { throw failure }
        return recorded
    }

    struct Route {
        let method: String
        let parts: [String]
        func matches(_ method: String, _ pattern: [String]) -> Bool {
            self.method == method && pattern.count == parts.count && zip(pattern, parts).allSatisfy { $0 == "*" || $0 == $1 }
        }

    }

    /// A ready-made error response thrown from inside routing.
    struct APIRefusal: Error {
        let response: HTTPResponse
    }

    private func dispatch(_ route: Route, _ request: HTTPRequest) throws -> HTTPResponse {
        let now = clock()
        if route.matches("GET", ["healthz"]) {
            return .text("ok\n")
        } else if route.matches("GET", ["metrics"]) {
            return .text(metricsText(), contentType: "text/plain; version=0.0.4")
        } else if route.matches("GET", ["v1", "anchor"]) {
            return .text(anchorPEM, contentType: "application/x-pem-file")

        // Customer calls: the body is the machine's signed request.
        } else if route.matches("POST", ["v1", "activations"]) {
            let compact = String(decoding: request.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let receipt = try executor.perform { node throws(NodeError) in try node.handleMachineRequest(compact, at: now) }
            return try .json(receipt, status: .created)
        } else if route.matches("GET", ["v1", "licenses", "*", "status"]) {
            let hash = route.parts[2]
            let report = try executor.perform { node throws(NodeError) in try node.licenseStatus(hash: hash, at: now) }
            return try .json(APIBodies.LicenseStatus(
                license: hash, current: report.current.hash, valid: report.problem == nil, problem: report.problem?.description,
                seats: Int(report.current.payload.seats.count), active: report.activeSeats, exp: report.current.payload.exp,
                revocations: report.revocations))

        // Log: checkpoints and proofs are public.
        } else if route.matches("GET", ["v1", "log", "checkpoint"]) {
            let checkpoint = try publishedCheckpoint(at: now)
            return .text(checkpoint.text)
        } else if route.matches("GET", ["v1", "log", "proof", "inclusion"]) {
            let index = try integer(request, "index"), size = try integer(request, "size")
            let proof = try executor.perform { node throws(NodeError) in try node.inclusionProof(index: index, size: size) }
            return try .json(APIBodies.ProofBody(proof: proof.map { Base64URL.encode($0) }))
        } else if route.matches("GET", ["v1", "log", "proof", "consistency"]) {
            let from = try integer(request, "from"), to = try integer(request, "to")
            let proof = try executor.perform { node throws(NodeError) in try node.consistencyProof(from: from, to: to) }
            return try .json(APIBodies.ProofBody(proof: proof.map { Base64URL.encode($0) }))
        }

        // Node-to-node calls, signed with the calling child's key.
        if route.matches("POST", ["v1", "sync", "push"]) || route.matches("GET", ["v1", "sync", "pull"]) {
            guard let signature = RequestSignature(header: { request.headers[$0] }) else {
                return APIProblem.nodeSignatureRequired
            }
            let target = request.path + (request.query.map { "?" + $0 } ?? "")
            let method = request.method.rawValue, body = request.body
            if route.method == "GET" {
                let pull = try executor.perform { node throws(NodeError) in
                    let child = try node.authenticateChild(signature, method: method, target: target, body: body, at: now)
                    return try node.answerPull(for: child, at: now)
                }
                return try .json(pull)
            }
            // The body's digest and signature are checked here, on the worker, before the body is parsed:
            // a forged push costs a hash and one verification, not a parse of up to 16 MiB.
            let sender = try executor.perform { node throws(NodeError) in try node.checkChildRequestHead(signature, at: now) }
            guard signature.isValid(method: method, target: target, body: body, key: sender.publicKey) else {
                throw NodeError(.unauthorized, "the request signature does not verify with \(sender.subject)'s key")
            }
            let push: PushRequest
            do {
                push = try PushRequest(json: request.body)
            } catch {
                throw APIRefusal(response: APIProblem.malformedBody(error))
            }
            let response = try executor.perform { node throws(NodeError) in
                let child = try node.authenticateChild(signature, method: method, target: target, body: body, at: now)
                return try node.receivePush(push, from: child, at: now)
            }
            // The sender's own segment refused: 409 with what this node holds, so the child resumes there.
            let ownRefused = push.segments.first.map { response.refused[$0.node] != nil } ?? false
            return try .json(response, status: ownRefused ? .conflict : .ok)
        }

        // Everything else is an operator call.
        guard route.parts.first == "v1", knownOperatorRoute(route) else {
            if let allowed = allowedMethods(route.parts) { return APIProblem.methodNotAllowed(request, allowed: allowed) }
            return APIProblem.notFound(request)
        }
        guard token.accepts(authorization: request.headers["Authorization"]) else { return APIProblem.operatorTokenRequired }
        return try operatorCall(route, request, now: now)
    }

    private static let operatorRoutes: [(method: String, path: [String])] = [
        ("GET", ["v1", "certificates"]), ("POST", ["v1", "certificates"]),
        ("POST", ["v1", "delegations"]),
        ("GET", ["v1", "licenses"]), ("POST", ["v1", "licenses"]),
        ("POST", ["v1", "licenses", "*", "renewals"]),
        ("GET", ["v1", "activations"]), ("POST", ["v1", "activations", "offline"]),
        ("POST", ["v1", "returns"]), ("POST", ["v1", "returns", "received"]),
        ("GET", ["v1", "revocations"]), ("POST", ["v1", "revocations"]), ("POST", ["v1", "revocations", "received"]),
        ("GET", ["v1", "log", "entries"]),
        ("GET", ["v1", "audit", "findings"]), ("POST", ["v1", "audit", "runs"]), ("POST", ["v1", "audit", "observations"]),
        ("GET", ["v1", "reports", "*"]),
    ]

    private func matches(_ pattern: [String], _ parts: [String]) -> Bool {
        pattern.count == parts.count && zip(pattern, parts).allSatisfy { $0 == "*" || $0 == $1 }
    }

    private func knownOperatorRoute(_ route: Route) -> Bool {
        Self.operatorRoutes.contains { $0.method == route.method && matches($0.path, route.parts) }
    }

    private static let publicRoutes: [(method: String, path: [String])] = [
        ("GET", ["healthz"]), ("GET", ["metrics"]), ("GET", ["v1", "anchor"]),
        ("POST", ["v1", "activations"]), ("GET", ["v1", "licenses", "*", "status"]),
        ("GET", ["v1", "log", "checkpoint"]), ("GET", ["v1", "log", "proof", "inclusion"]),
        ("GET", ["v1", "log", "proof", "consistency"]),
        ("POST", ["v1", "sync", "push"]), ("GET", ["v1", "sync", "pull"]),
    ]

    private func allowedMethods(_ parts: [String]) -> [String]? {
        let methods = (Self.operatorRoutes + Self.publicRoutes).filter { matches($0.path, parts) }.map(\.method)
        return methods.isEmpty ? nil : Array(Set(methods)).sorted()
    }

    /// The template of the route `route` takes, e.g. `GET /v1/reports/{id}`; nil when none serves it.
    private func routeTemplate(_ route: Route) -> String? {
        guard let served = (Self.publicRoutes + Self.operatorRoutes).first(where: { $0.method == route.method && matches($0.path, route.parts) }) else {
            return nil
        }
        return served.method + " /" + served.path.map { $0 == "*" ? "{id}" : $0 }.joined(separator: "/")
    }

    private func operatorCall(_ route: Route, _ request: HTTPRequest, now: Int64) throws -> HTTPResponse {
        if route.matches("GET", ["v1", "certificates"]) {
            let (held, delegated) = try executor.perform { node throws(NodeError) in
                (try node.heldCertificates(), try node.delegatedCertificates())
            }
            return try .json(APIBodies.CertificatesBody(
                held: held.map(APIBodies.HeldCertificateBody.init),
                delegated: delegated.map { APIBodies.DelegatedCertificateBody(hash: $0.hash, subject: $0.payload.sub, seats: $0.payload.seats, certificate: $0.compact) }))
        } else if route.matches("POST", ["v1", "certificates"]) {
            let body = try decode(APIBodies.ChainBody.self, request)
            let held = try executor.perform { node throws(NodeError) in try node.accept(chain: body.chain, at: now) }
            return try .json(APIBodies.HeldCertificateBody(held), status: .created)
        } else if route.matches("POST", ["v1", "delegations"]) {
            let body = try decode(DelegationRequest.self, request)
            let chain = try executor.perform { node throws(NodeError) in try node.delegate(body, at: now) }
            return try .json(chain, status: .created)
        } else if route.matches("GET", ["v1", "licenses"]) {
            let licenses = try executor.perform { node throws(NodeError) in try node.issuedLicenses() }
            return try .json(licenses.map {
                APIBodies.LicenseSummary(hash: $0.hash, customer: $0.payload.customer, country: $0.payload.country, product: $0.payload.product,
                                         model: $0.payload.model, seats: $0.payload.seats, iat: $0.payload.iat, exp: $0.payload.exp,
                                         renews: $0.payload.renews, license: $0.compact)
            })
        } else if route.matches("POST", ["v1", "licenses"]) {
            let body = try decode(LicenseRequest.self, request)
            let file = try executor.issue(body, at: now)
            return try .json(file, status: .created)
        } else if route.matches("POST", ["v1", "licenses", "*", "renewals"]) {
            let hash = route.parts[2]
            let body = try decode(APIBodies.RenewalBody.self, request)
            let file = try executor.perform { node throws(NodeError) in try node.renew(licenseHash: hash, exp: body.exp, price: body.price, at: now) }
            return try .json(file, status: .created)
        } else if route.matches("GET", ["v1", "activations"]) {
            let activations = try executor.perform { node throws(NodeError) in try node.activationRecords() }
            return try .json(activations.map { activation, endedAt in
                APIBodies.ActivationSummary(hash: activation.hash, license: activation.payload.license, serial: activation.payload.serial,
                                            kind: activation.payload.kind.rawValue, country: activation.payload.country,
                                            platform: activation.payload.platform, iat: activation.payload.iat, exp: activation.payload.exp,
                                            endedAt: endedAt, activation: activation.compact)
            })
        } else if route.matches("POST", ["v1", "activations", "offline"]) {
            // An operator hands in a request file a customer brought on a USB stick or by e-mail.
            let compact = String(decoding: request.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let receipt = try executor.perform { node throws(NodeError) in try node.handleMachineRequest(compact, at: now, offline: true) }
            return try .json(receipt, status: .created)
        } else if route.matches("POST", ["v1", "returns"]) {
            let body = try decode(APIBodies.ReturnBody.self, request)
            let signed = try executor.perform { node throws(NodeError) in try node.returnQuota(body.seats, certificateHash: body.from, at: now) }
            return try .json(APIBodies.SignedObjectBody(object: signed.compact), status: .created)
        } else if route.matches("POST", ["v1", "returns", "received"]) {
            let body = try decode(APIBodies.SignedObjectBody.self, request)
            try executor.perform { node throws(NodeError) in try node.receiveReturn(body.object, at: now) }
            return try .json(body)
        } else if route.matches("GET", ["v1", "revocations"]) {
            let revocations = try executor.perform { node throws(NodeError) in try node.knownRevocations() }
            return try .json(revocations.map { APIBodies.SignedObjectBody(object: $0.compact) })
        } else if route.matches("POST", ["v1", "revocations"]) {
            let body = try decode(APIBodies.RevocationBody.self, request)
            let signed = try executor.perform { node throws(NodeError) in
                try node.revoke(certificateHash: body.certificate, effective: body.effective, reason: body.reason, at: now)
            }
            return try .json(APIBodies.SignedObjectBody(object: signed.compact), status: .created)
        } else if route.matches("POST", ["v1", "revocations", "received"]) {
            let body = try decode(APIBodies.SignedObjectBody.self, request)
            try executor.perform { node throws(NodeError) in try node.receiveRevocation(body.object, at: now) }
            return try .json(body)
        } else if route.matches("GET", ["v1", "audit", "findings"]) {
            let findings = try executor.perform { node throws(NodeError) in try node.findings() }
            return try .json(findings)
        } else if route.matches("POST", ["v1", "audit", "runs"]) {
            let findings = try executor.perform { node throws(NodeError) in try node.audit(at: now) }
            return try .json(findings)
        } else if route.matches("POST", ["v1", "audit", "observations"]) {
            // An observation (kind, object, license), or a bare license file as before.
            let observation = try (try? request.decodeJSON(Observation.self)) ?? Observation(license: try decode(LicenseFile.self, request))
            let recorded = try executor.perform { node throws(NodeError) in try node.observe(observation, at: now) }
            return try .json(APIBodies.ObservationBody(recorded: recorded), status: recorded ? .created : .ok)
        } else if route.matches("GET", ["v1", "reports", "*"]) {
            let name = route.parts[2], customer = request.queryValue("customer")
            let report = try executor.perform { node throws(NodeError) in try node.report(name, customer: customer, at: now) }
            return try .json(report)
        } else if route.matches("GET", ["v1", "log", "entries"]) {
            let start = try integer(request, "start"), end = try integer(request, "end")
            guard end >= start, end - start <= 1_000 else {
                throw NodeError(.invalidRequest, "ask for at most 1000 entries at a time (start \(start), end \(end))")
            }
            let entries = try executor.perform { node throws(NodeError) in try node.logEntries(in: start..<end) }
            return try .json(entries.map {
                APIBodies.EntryBody(index: $0.index, kind: $0.kind, bytes: Base64URL.encode($0.bytes), appendedAt: $0.appendedAt)
            })
        } else {
            return APIProblem.notFound(request)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: HTTPRequest) throws -> T {
        do {
            try StrictJSON.check(request.body, object: "request body")  // no member twice, no trailing commas
            return try request.decodeJSON(type)
        } catch {
            throw APIRefusal(response: APIProblem.malformedBody(error))
        }
    }

    private func integer(_ request: HTTPRequest, _ name: String) throws -> UInt64 {
        guard let text = request.queryValue(name), let value = UInt64(text) else {
            throw NodeError(.invalidRequest, "query parameter '\(name)' must be a non-negative integer")
        }
        return value
    }

    private func metricsText() -> String {
        var exposition = MetricsExposition(constantLabels: [("node", nodeName)])
        exposition.family("tollgate_requests_total", "Requests by route template.", type: "counter",
                          samples: requestCounts.withLock({ $0 }).sorted(by: { $0.key < $1.key }).map { ([("route", $0.key)], $0.value) })
        let statistics = executor.statistics
        exposition.family("tollgate_commit_batches_total", "Group commits (one fsync each).", type: "counter", samples: [([], statistics.batches)])
        exposition.family("tollgate_commit_jobs_total", "Operations committed in those batches.", type: "counter", samples: [([], statistics.jobs)])
        if let metrics = serverMetrics.withLock({ $0 })?() {
            exposition.family("tollgate_http_open_connections", "Connections open now.", type: "gauge",
                              samples: [([], UInt64(max(0, metrics.openConnections)))])
            exposition.family("tollgate_http_requests_served_total", "Requests answered by a handler.", type: "counter",
                              samples: [([], metrics.requestsServed)])
            exposition.family("tollgate_http_idle_closed_when_crowded_total", "Idle connections closed early because the server was crowded.",
                              type: "counter", samples: [([], metrics.crowdedConnectionsClosed)])
            exposition.family("tollgate_http_head_check_refusals_total", "Requests refused from their head, before the body was read.",
                              type: "counter", samples: [([], metrics.headCheckRefusals)])
            exposition.family("tollgate_http_body_bytes_in_flight", "Request body bytes buffered now.", type: "gauge",
                              samples: [([], UInt64(max(0, metrics.bodyBytesInFlight)))])
            exposition.family("tollgate_http_rejections_total", "Requests or connections the server refused itself, by rule.", type: "counter",
                              samples: metrics.rejections.sorted(by: { "\($0.key)" < "\($1.key)" }).map { ([("reason", "\($0.key)")], $0.value) })
        }
        return exposition.text
    }
}
