import TollgateHTTPMessages

/// The node API's route table: every endpoint once, with its method, path and caller. The server
/// dispatches from it, the libcurl client, the CLI and the simulator build their calls from it, and
/// `Deploy/openapi.yaml` documents exactly these (a test checks both ways; the raw value is the
/// OpenAPI `operationId`).
public enum Endpoint: String, CaseIterable, Sendable {
    // Public.
    case health, metrics, anchor, licenseStatus, checkpoint, inclusionProof, consistencyProof
    // The customer's machine.
    case machineRequest, usageUpload
    // The customer's machine, on a floating license: lease, heartbeat, release, borrow.
    case leaseRequest
    // Child nodes.
    case syncPull, syncPush
    // The operator.
    case listActivations, answerOfflineRequest, logEntries, listCertificates, acceptCertificate, delegate,
         listLicenses, issueLicense, issueOrders, renewLicense, renewOrders, changeLicense, returnQuota, receiveReturn, listRevocations, revoke,
         receiveRevocation, listFindings, runAudit, observeLicense, report, answerUsageUpload, transferCustomer
    // The operator, for floating seats: the leases signed here, a site's binding to its license,
    // a site's log carried out (exported at the site, taken in at its agent).
    case listLeases, bindSite, ingestSiteLog, exportSiteLog
    // The operator, for webhooks: register, list, remove, and a webhook's delivery log.
    case createWebhook, listWebhooks, removeWebhook, listWebhookDeliveries, replayWebhookDeliveries
    // The web console (HTML for a browser; TollgateConsole renders it).
    case consoleHome, consoleStylesheet, consoleLoginForm, consoleLogin, consoleLogout, consoleFindings, consoleFindingsBundle,
         consoleActivity, consoleCustomer, consoleRefusals

    public var method: HTTPMethod {
        switch self {
        case .health, .metrics, .anchor, .licenseStatus, .checkpoint, .inclusionProof, .consistencyProof, .syncPull,
             .listActivations, .logEntries, .listCertificates, .listLicenses, .listRevocations, .listFindings, .report, .listLeases,
             .exportSiteLog, .listWebhooks, .listWebhookDeliveries:
            .get
        case .consoleHome, .consoleStylesheet, .consoleLoginForm, .consoleFindings, .consoleFindingsBundle, .consoleActivity, .consoleCustomer,
             .consoleRefusals:
            .get
        case .consoleLogin, .consoleLogout:
            .post
        case .machineRequest, .usageUpload, .answerUsageUpload, .syncPush, .answerOfflineRequest, .acceptCertificate, .delegate, .issueLicense, .issueOrders,
             .renewLicense, .renewOrders, .changeLicense, .returnQuota, .receiveReturn, .revoke, .receiveRevocation, .runAudit, .observeLicense, .leaseRequest,
             .bindSite, .ingestSiteLog, .transferCustomer, .createWebhook, .replayWebhookDeliveries:
            .post
        case .removeWebhook:
            .delete
        }
    }

    public var path: PathTemplate {
        switch self {
        case .health: "/healthz"
        case .metrics: "/metrics"
        case .anchor: "/v1/anchor"
        case .licenseStatus: "/v1/licenses/{hash}/status"
        case .checkpoint: "/v1/log/checkpoint"
        case .inclusionProof: "/v1/log/proof/inclusion"
        case .consistencyProof: "/v1/log/proof/consistency"
        case .machineRequest, .listActivations: "/v1/activations"
        case .usageUpload: "/v1/usage"
        case .answerUsageUpload: "/v1/usage/offline"
        case .syncPull: "/v1/sync/pull"
        case .syncPush: "/v1/sync/push"
        case .answerOfflineRequest: "/v1/activations/offline"
        case .logEntries: "/v1/log/entries"
        case .listCertificates, .acceptCertificate: "/v1/certificates"
        case .delegate: "/v1/delegations"
        case .listLicenses, .issueLicense: "/v1/licenses"
        case .issueOrders: "/v1/licenses/batch"
        case .renewLicense: "/v1/licenses/{hash}/renewals"
        case .renewOrders: "/v1/renewals/batch"
        case .changeLicense: "/v1/licenses/{hash}/changes"
        case .returnQuota: "/v1/returns"
        case .receiveReturn: "/v1/returns/received"
        case .listRevocations, .revoke: "/v1/revocations"
        case .receiveRevocation: "/v1/revocations/received"
        case .transferCustomer: "/v1/customers/transfers"
        case .listFindings: "/v1/audit/findings"
        case .runAudit: "/v1/audit/runs"
        case .observeLicense: "/v1/audit/observations"
        case .report: "/v1/reports/{name}"
        case .leaseRequest, .listLeases: "/v1/leases"
        case .bindSite: "/v1/site/bindings"
        case .ingestSiteLog: "/v1/site/logs"
        case .exportSiteLog: "/v1/site/export"
        case .createWebhook, .listWebhooks: "/v1/webhooks"
        case .removeWebhook: "/v1/webhooks/{id}"
        case .listWebhookDeliveries: "/v1/webhooks/{id}/deliveries"
        case .replayWebhookDeliveries: "/v1/webhooks/{id}/replays"
        case .consoleHome: "/console"
        case .consoleStylesheet: "/console/console.css"
        case .consoleLoginForm, .consoleLogin: "/console/login"
        case .consoleLogout: "/console/logout"
        case .consoleFindings: "/console/findings"
        case .consoleFindingsBundle: "/console/findings/bundle.json"
        case .consoleActivity: "/console/activity"
        case .consoleCustomer: "/console/customer"
        case .consoleRefusals: "/console/refusals"
        }
    }

    public var caller: Caller {
        switch self {
        case .health, .metrics, .anchor, .licenseStatus, .checkpoint, .inclusionProof, .consistencyProof: .anyone
        case .machineRequest, .usageUpload, .leaseRequest: .machine
        case .syncPull, .syncPush: .child
        case .listActivations, .answerOfflineRequest, .logEntries, .listCertificates, .acceptCertificate, .delegate,
             .listLicenses, .issueLicense, .issueOrders, .renewLicense, .renewOrders, .changeLicense, .returnQuota, .receiveReturn, .listRevocations,
             .revoke, .receiveRevocation, .listFindings, .runAudit, .observeLicense, .report, .answerUsageUpload, .listLeases, .bindSite,
             .ingestSiteLog, .exportSiteLog, .transferCustomer, .createWebhook, .listWebhooks, .removeWebhook, .listWebhookDeliveries,
             .replayWebhookDeliveries:
            .operator
        case .consoleHome, .consoleStylesheet, .consoleLoginForm, .consoleLogin, .consoleLogout, .consoleFindings, .consoleFindingsBundle,
             .consoleActivity, .consoleCustomer, .consoleRefusals:
            .console
        }
    }

    /// `METHOD /path/{template}`, the label of the endpoint's request counter in `/metrics`.
    public var label: String { "\(method) \(path)" }

    /// The request target (path and query) for this endpoint: `parameters` fill the path template,
    /// `query` is appended percent-encoded in order. Nil when a path parameter is missing or empty.
    public func target(_ parameters: [String: String] = [:], query: [(name: String, value: String)] = []) -> String? {
        guard let path = path.path(parameters) else { return nil }
        guard !query.isEmpty else { return path }
        let items = query.map { PathTemplate.percentEncoded($0.name) + "=" + PathTemplate.percentEncoded($0.value) }
        return path + "?" + items.joined(separator: "&")
    }

    /// The endpoint serving `method` on `path`, with the path's parameters.
    public static func match(method: HTTPMethod, path: String) -> (endpoint: Endpoint, parameters: [String: String])? {
        for endpoint in allCases where endpoint.method == method {
            if let parameters = endpoint.path.match(path) { return (endpoint, parameters) }
        }
        return nil
    }

    /// The methods served on `path`, sorted; empty when no endpoint has its shape.
    public static func methods(servingPath path: String) -> [HTTPMethod] {
        let names = Set(allCases.filter { $0.path.match(path) != nil }.map { $0.method.rawValue })
        return names.sorted().map { HTTPMethod($0) }
    }
}
