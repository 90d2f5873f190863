import Foundation
import Synchronization
import TollgateCertificates
import TollgateCrypto
import TollgateHTTPMessages
import TollgateLedger
import TollgateNode
import TollgateWire

/// The node's HTTP API: routes requests to the node through its executor and turns refusals into
/// RFC 9457 problems. See `Deploy/openapi.yaml` for the whole API.
public final class NodeAPI: Sendable {
    let executor: NodeExecutor
    let token: OperatorToken
    let clock: @Sendable () -> Int64
    let anchorPEM: String
    let nodeName: String
    let requestCounts = Mutex<[String: UInt64]>([:])
    /// Adds the transport's own counters (the HTTP server's) to `/metrics` once the server exists.
    let transportMetrics = Mutex<(@Sendable (inout MetricsExposition) -> Void)?>(nil)
    /// What this node's pull answers tell its children one push may carry: ``PushBudget/standard``,
    /// narrowed to the serving transport's body limit once it is known (``limitPushes(toBodySize:)``).
    let pushBudget = Mutex(PushBudget.standard)
    /// Renders the console's routes (caller ``Caller/console``) once `node serve` attaches the console,
    /// which lives above this layer; until then they answer 404 `console-not-served`.
    let console = Mutex<(@Sendable (Endpoint, HTTPRequest, Int64) -> HTTPResponse)?>(nil)
    /// Told after each request that may have changed the node (any method but GET), so what waits on
    /// its store (``attach(afterChange:)``: the webhook dispatcher) looks at once instead of polling.
    let changeObserver = Mutex<(@Sendable () -> Void)?>(nil)
    /// Where the node's log lines go: what a storage failure's client is not told (its SQL, the store).
    let log: @Sendable (String) -> Void

    /// `log` takes the node's log lines (standard error by default, which `tollgate node serve` writes its log to).
    public init(executor: NodeExecutor, token: OperatorToken, anchorPEM: String, nodeName: String,
                clock: @escaping @Sendable () -> Int64, log: @escaping @Sendable (String) -> Void = NodeAPI.standardError) {
        self.executor = executor
        self.token = token
        self.anchorPEM = anchorPEM
        self.nodeName = nodeName
        self.clock = clock
        self.log = log
    }

    /// Writes a log line to standard error; a failed write is dropped, as the node must not stop over its log.
    public static let standardError: @Sendable (String) -> Void = { line in
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The problem answering `error` (see ``APIProblem``), after logging what the client is not told.
    func problem(for error: NodeError) -> HTTPResponse {
        if let detail = error.storageDetail {
            log("storage failure (\(error.storageCondition?.rawValue ?? "unclassified")) at \(error.file):\(error.line): \(detail)")
        }
        return APIProblem.response(for: error)
    }

    /// Has `/metrics` also show what `metrics` writes: the serving transport's counters.
    public func attach(metrics: @escaping @Sendable (inout MetricsExposition) -> Void) {
        transportMetrics.withLock { $0 = metrics }
    }

    /// Serves the console's routes with `render` (the endpoint, the request, now). The session cookie
    /// it sets is checked there and only there: every other route ignores it.
    public func attach(console render: @escaping @Sendable (Endpoint, HTTPRequest, Int64) -> HTTPResponse) {
        console.withLock { $0 = render }
    }

    /// Calls `observer` after every request that may have changed the node (any method but GET,
    /// answered or refused). It must return at once: it runs on the request's worker.
    public func attach(afterChange observer: @escaping @Sendable () -> Void) {
        changeObserver.withLock { $0 = observer }
    }

    /// Tells children that a push body may be at most `maxBodySize` bytes (the server's limit, which
    /// refuses larger bodies unread), so they cut their backlogs to fit.
    public func limitPushes(toBodySize maxBodySize: Int) {
        pushBudget.withLock { $0 = PushBudget.accepted(byBodyLimit: maxBodySize) }
    }

    /// The server's head check (`HTTPServer.HeadCheck`): a push must name a known child, a date inside
    /// the window and an unused nonce in its signature headers before its body (up to the body cap,
    /// 16 MiB for `node serve`) is read; anything else passes to `handle` once its body has arrived.
    public func checkHead(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.method == Endpoint.syncPush.method, Endpoint.syncPush.path.match(head.path) != nil else { return nil }
        let refusal: HTTPResponse
        if let signature = RequestSignature(header: { head.headers[$0] }) {
            let now = clock()
            do {
                _ = try executor.perform { node throws(NodeError) in try node.checkChildRequestHead(signature, at: now) }
                return nil
            } catch {
                refusal = problem(for: error)
            }
        } else {
            refusal = APIProblem.nodeSignatureRequired
        }
        requestCounts.withLock { $0[Endpoint.syncPush.label, default: 0] += 1 }
        return refusal
    }

    /// Answers one request: the endpoint it names in the route table, checked for its caller
    /// (operator token, child signature), run on the node through the executor, and any refusal
    /// mapped to its RFC 9457 problem by ``APIProblem``.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let (endpoint, parameters) = Endpoint.match(method: request.method, path: request.path) else {
            requestCounts.withLock { $0["unmatched", default: 0] += 1 }
            let allowed = Endpoint.methods(servingPath: request.path)
            return allowed.isEmpty ? APIProblem.notFound(request) : APIProblem.methodNotAllowed(request, allowed: allowed.map(\.rawValue))
        }
        // Counters are labelled by route template only, so no path a caller makes up can add a counter to /metrics.
        requestCounts.withLock { $0[endpoint.label, default: 0] += 1 }
        if endpoint.method != .get, let observer = changeObserver.withLock({ $0 }) {
            defer { observer() }
            return answer(endpoint, parameters, request)
        }
        return answer(endpoint, parameters, request)
    }

    /// ``handle(_:)`` for a matched endpoint: the caller checked, the work run, a refusal mapped.
    private func answer(_ endpoint: Endpoint, _ parameters: [String: String], _ request: HTTPRequest) -> HTTPResponse {
        do {
            switch endpoint.caller {
            case .anyone, .machine:
                break  // a machine request's credential is its own signature, checked by the node
            case .operator:
                guard token.accepts(authorization: request.headers["Authorization"]) else { return APIProblem.operatorTokenRequired }
            case .child:
                break  // the handler authenticates the child from its request signature (``childSignature(_:)``)
            case .console:
                break  // the console checks its own session cookie; the login form and stylesheet need none
            }
            return try call(endpoint, parameters, request, at: clock())
        } catch let error as NodeError {
            return problem(for: error)
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

    /// A ready-made error response thrown from inside routing.
    struct APIRefusal: Error {
        let response: HTTPResponse
    }

    /// The calling child's request signature; a 401 refusal when the request carries none.
    private func childSignature(_ request: HTTPRequest) throws -> RequestSignature {
        guard let signature = RequestSignature(header: { request.headers[$0] }) else {
            throw APIRefusal(response: APIProblem.nodeSignatureRequired)
        }
        return signature
    }

    private func pull(_ request: HTTPRequest, at now: Int64) throws -> HTTPResponse {
        let signature = try childSignature(request)
        let target = request.target, method = request.method.rawValue, body = request.body
        let position = request.queryValue("from") == nil ? 0 : try integer(request, "from")
        var pull = try executor.perform { node throws(NodeError) in
            let child = try node.authenticateChild(signature, method: method, target: target, body: body, at: now)
            return try node.answerPull(for: child, from: position, at: now)
        }
        pull.pushBudget = pushBudget.withLock { $0 }
        return try .json(pull)
    }

    private func push(_ request: HTTPRequest, at now: Int64) throws -> HTTPResponse {
        let signature = try childSignature(request)
        let target = request.target, method = request.method.rawValue, body = request.body
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

    /// Runs `endpoint`; an operator's token is already checked.
    private func call(_ endpoint: Endpoint, _ parameters: [String: String], _ request: HTTPRequest, at now: Int64) throws -> HTTPResponse {
        switch endpoint {
        case .health:
            return .text("ok\n")
        case .metrics:
            return .text(metricsText(), contentType: "text/plain; version=0.0.4")
        case .anchor:
            return .text(anchorPEM, contentType: "application/x-pem-file")
        case .machineRequest, .answerOfflineRequest:
            // The body is the machine's signed request; offline, a request file an operator hands in.
            let compact = String(decoding: request.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let offline = endpoint == .answerOfflineRequest
            // Answered as a value: a refusal's record in the log must outlive the job (a job that throws is rolled back).
            let receipt = try executor.perform { node throws(NodeError) in node.answerMachineRequest(compact, at: now, offline: offline) }.get()
            return try .json(receipt, status: .created)
        case .usageUpload, .answerUsageUpload:
            // The records are signed by the machine; offline, an operator hands in the machine's usage file.
            let upload: UsageUpload
            do {
                upload = try UsageUpload(data: Data(request.body))
            } catch {
                throw APIRefusal(response: APIProblem.malformedBody(error))
            }
            let result = try executor.perform { node throws(NodeError) in try node.receiveUsage(upload, at: now) }
            return try .json(result, status: result.accepted > 0 || !result.forked.isEmpty ? .created : .ok)
        case .leaseRequest:
            // The body is the machine's signed lease request.
            let compact = String(decoding: request.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let receipt = try executor.perform { node throws(NodeError) in node.answerLeaseRequest(compact, at: now) }.get()
            return try .json(receipt, status: .created)
        case .listLeases:
            let leases = try executor.perform { node throws(NodeError) in try node.leaseRecords() }
            return try .json(leases.map { APIBodies.LeaseSummary($0.lease, endedAt: $0.endedAt) })
        case .bindSite:
            let receipt = try decode(ActivationReceipt.self, request)
            let activation = try executor.perform { node throws(NodeError) in try node.bindSite(receipt, at: now) }
            return try .json(APIBodies.SignedObjectBody(object: activation.compact), status: .created)
        case .ingestSiteLog:
            let export = try decode(SiteLogExport.self, request)
            let taken = try executor.perform { node throws(NodeError) in try node.ingestSiteLog(export, at: now) }
            return try .json(APIBodies.SiteLogIngestBody(taken: taken))
        case .exportSiteLog:
            // The site's whole log with a checkpoint it signs now, while it goes on serving leases.
            return try .json(try executor.perform { node throws(NodeError) in try node.exportSiteLog(at: now) })
        case .licenseStatus:
            let hash = parameters["hash", default: ""]
            let report = try executor.perform { node throws(NodeError) in try node.licenseStatus(hash: hash, at: now) }
            return try .json(LicenseStatus(
                license: hash, current: report.current.hash, valid: report.problem == nil, problem: report.problem?.description,
                seats: Int(report.current.payload.seats.count), active: report.activeSeats, exp: report.current.payload.exp,
                revocations: report.revocations, file: report.file, addons: report.addons))
        case .checkpoint:
            return .text(try publishedCheckpoint(at: now).text)
        case .inclusionProof:
            let index = try integer(request, "index"), size = try integer(request, "size")
            let proof = try executor.perform { node throws(NodeError) in try node.inclusionProof(index: index, size: size) }
            return try .json(APIBodies.ProofBody(proof: proof.map { Base64URL.encode($0) }))
        case .consistencyProof:
            let from = try integer(request, "from"), to = try integer(request, "to")
            let proof = try executor.perform { node throws(NodeError) in try node.consistencyProof(from: from, to: to) }
            return try .json(APIBodies.ProofBody(proof: proof.map { Base64URL.encode($0) }))
        case .listCertificates:
            let (held, delegated) = try executor.perform { node throws(NodeError) in
                (try node.heldCertificates(), try node.delegatedCertificates())
            }
            return try .json(APIBodies.CertificatesBody(
                held: held.map(APIBodies.HeldCertificateBody.init),
                delegated: delegated.map { APIBodies.DelegatedCertificateBody(hash: $0.hash, subject: $0.payload.sub, seats: $0.payload.seats, certificate: $0.compact) }))
        case .acceptCertificate:
            let body = try decode(APIBodies.ChainBody.self, request)
            let held = try executor.perform { node throws(NodeError) in try node.accept(chain: body.chain, at: now) }
            return try .json(APIBodies.HeldCertificateBody(held), status: .created)
        case .delegate:
            let body = try decode(DelegationRequest.self, request)
            let chain = try executor.perform { node throws(NodeError) in try node.delegate(body, at: now) }
            return try .json(chain, status: .created)
        case .listLicenses:
            let licenses = try executor.perform { node throws(NodeError) in try node.issuedLicenses() }
            return try .json(licenses.map {
                APIBodies.LicenseSummary(hash: $0.hash, customer: $0.payload.customer, country: $0.payload.country, product: $0.payload.product,
                                         model: $0.payload.model, seats: $0.payload.seats, iat: $0.payload.iat, exp: $0.payload.exp,
                                         renews: $0.payload.renews, license: $0.compact)
            })
        case .issueLicense:
            let body = try decode(LicenseRequest.self, request)
            return try issue(body, at: now)
        case .issueOrders:
            let body = try decode(APIBodies.OrdersBody.self, request)
            let results = try executor.perform { node throws(NodeError) in try node.issueOrders(body.orders, at: now) }
            return try orderResults(results)
        case .renewLicense:
            let hash = parameters["hash", default: ""]
            let body = try decode(APIBodies.RenewalBody.self, request)
            if let order = body.order {
                let renewal = RenewalRequest(order: order, license: hash, exp: body.exp, days: body.days, price: body.price)
                let results = try executor.perform { node throws(NodeError) in
                    try node.renewOrders([renewal], at: now, resolve: try LicenseLookup.resolver(for: [hash], in: node))
                }
                return try .json(results[0].file, status: results[0].status == .issued ? .created : .ok)
            }
            let exp: Int64
            switch (body.exp, body.days) {
            case (let end?, nil): exp = end
            case (nil, let days?) where (1...365_000).contains(days): exp = now + days * 86_400
            default: throw NodeError(.invalidRequest, "a renewal gives its new end as exp, or as days from 1 to 365000, one of the two")
            }
            let file = try executor.perform { node throws(NodeError) in
                try node.renew(licenseHash: try LicenseLookup.hash(for: hash, in: node), exp: exp, price: body.price, at: now)
            }
            return try .json(file, status: .created)
        case .renewOrders:
            let body = try decode(APIBodies.RenewalOrdersBody.self, request)
            let results = try executor.perform { node throws(NodeError) in
                try node.renewOrders(body.renewals, at: now, resolve: try LicenseLookup.resolver(for: body.renewals.map(\.license), in: node))
            }
            return try orderResults(results)
        case .changeLicense:
            let hash = parameters["hash", default: ""]
            let body = try decode(LicenseChangeRequest.self, request)
            let file = try executor.perform { node throws(NodeError) in
                try node.change(licenseHash: try LicenseLookup.hash(for: hash, in: node), body, at: now)
            }
            return try .json(file, status: .created)
        case .listActivations:
            let activations = try executor.perform { node throws(NodeError) in try node.activationRecords() }
            return try .json(activations.map { activation, endedAt in
                APIBodies.ActivationSummary(hash: activation.hash, license: activation.payload.license, serial: activation.payload.serial,
                                            kind: activation.payload.kind.rawValue, country: activation.payload.country,
                                            platform: activation.payload.platform, iat: activation.payload.iat, exp: activation.payload.exp,
                                            endedAt: endedAt, activation: activation.compact)
            })
        case .returnQuota:
            let body = try decode(APIBodies.ReturnBody.self, request)
            let signed = try executor.perform { node throws(NodeError) in try node.returnQuota(body.seats, certificateHash: body.from, at: now) }
            return try .json(APIBodies.SignedObjectBody(object: signed.compact), status: .created)
        case .receiveReturn:
            let body = try decode(APIBodies.SignedObjectBody.self, request)
            try executor.perform { node throws(NodeError) in try node.receiveReturn(body.object, at: now) }
            return try .json(body)
        case .listRevocations:
            let revocations = try executor.perform { node throws(NodeError) in try node.knownRevocations() }
            return try .json(revocations.map { APIBodies.SignedObjectBody(object: $0.compact) })
        case .revoke:
            let body = try decode(APIBodies.RevocationBody.self, request)
            let signed = try executor.perform { node throws(NodeError) in
                switch (body.certificate, body.license) {
                case (let certificate?, nil): try node.revoke(certificateHash: certificate, effective: body.effective, reason: body.reason, at: now)
                case (nil, let license?): try node.revoke(license: license, effective: body.effective, reason: body.reason, at: now)
                default: throw NodeError(.invalidRequest, "a revocation names exactly one of certificate and license")
                }
            }
            return try .json(APIBodies.SignedObjectBody(object: signed.compact), status: .created)
        case .transferCustomer:
            let body = try decode(APIBodies.TransferBody.self, request)
            let signed = try executor.perform { node throws(NodeError) in
                try node.transferCustomer(from: body.from, to: body.to, licenses: body.licenses ?? [], at: now)
            }
            return try .json(signed.map { APIBodies.SignedObjectBody(object: $0.compact) }, status: .created)
        case .receiveRevocation:
            let body = try decode(APIBodies.SignedObjectBody.self, request)
            try executor.perform { node throws(NodeError) in try node.receiveRevocation(body.object, at: now) }
            return try .json(body)
        case .listFindings:
            return try .json(try executor.perform { node throws(NodeError) in try node.findings() })
        case .runAudit:
            return try .json(try executor.perform { node throws(NodeError) in try node.audit(at: now) })
        case .observeLicense:
            // An observation (kind, object, license), or a bare license file as before.
            let observation = try (try? request.decodeJSON(Observation.self)) ?? Observation(license: try decode(LicenseFile.self, request))
            let recorded = try executor.perform { node throws(NodeError) in try node.observe(observation, at: now) }
            return try .json(APIBodies.ObservationBody(recorded: recorded), status: recorded ? .created : .ok)
        case .report:
            let name = parameters["name", default: ""], query = try ReportQuery(items: { request.queryValue($0) })
            let report = try executor.perform { node throws(NodeError) in try node.report(name, query: query, at: now) }
            return try .json(report)
        case .logEntries:
            let start = try integer(request, "start"), end = try integer(request, "end")
            guard end >= start, end - start <= 1_000 else {
                throw NodeError(.invalidRequest, "ask for at most 1000 entries at a time (start \(start), end \(end))")
            }
            let entries = try executor.perform { node throws(NodeError) in try node.logEntries(in: start..<end) }
            return try .json(entries.map {
                APIBodies.EntryBody(index: $0.index, kind: $0.kind, bytes: Base64URL.encode($0.bytes), appendedAt: $0.appendedAt)
            })
        case .createWebhook:
            let body = try decode(WebhookRegistration.self, request)
            return try .json(try executor.perform { node throws(NodeError) in try node.addWebhook(body, at: now) }, status: .created)
        case .listWebhooks:
            return try .json(try executor.perform { node throws(NodeError) in try node.listWebhooks() })
        case .removeWebhook:
            let id = parameters["id", default: ""]
            return try .json(try executor.perform { node throws(NodeError) in try node.removeWebhook(id: id) })
        case .listWebhookDeliveries:
            let id = parameters["id", default: ""]
            return try .json(try executor.perform { node throws(NodeError) in try node.webhookDeliveries(id: id) })
        case .replayWebhookDeliveries:
            let id = parameters["id", default: ""], body = try decode(WebhookReplay.self, request)
            let count = try executor.perform { node throws(NodeError) in try node.replayWebhookDeliveries(id: id, event: body.event, at: now) }
            return try .json(WebhookReplay(event: body.event, replayed: count))
        case .syncPull:
            return try pull(request, at: now)
        case .syncPush:
            return try push(request, at: now)
        case .consoleHome, .consoleStylesheet, .consoleLoginForm, .consoleLogin, .consoleLogout, .consoleFindings, .consoleFindingsBundle,
             .consoleActivity, .consoleCustomer, .consoleRefusals:
            guard let render = console.withLock({ $0 }) else { return APIProblem.consoleNotServed }
            return render(endpoint, request, now)
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
        transportMetrics.withLock({ $0 })?(&exposition)
        return exposition.text
    }
}
