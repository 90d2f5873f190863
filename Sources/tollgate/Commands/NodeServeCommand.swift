import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateConsole
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateService

/// `tollgate node serve`: run a node's HTTP API until SIGTERM or SIGINT, then drain.
enum NodeServeCommand: Command {
    static let spec = CommandSpec(
        name: "node serve",
        abstract: "Serve a node's HTTP API (operator, customer and log endpoints) until SIGTERM.",
        discussion: "Operator calls need 'Authorization: Bearer <token>' with the token in <dir>/operator.token.",
        options: [
            CommonOptions.dir.with(help: "The node.").required,
            host, port, tlsCert, tlsKey, portFile, maxBody,
            SyncCommand.parent.with(help: "Sync with this parent node in the background."),
            parentCA, syncInterval, headTimeout, maxConnections, maxConnectionsPerPeer, maxBodyInFlight, webhookRetryAfter, webhookCA,
        ])

    static let host = Option<String>("host", value: "address", help: "Address to listen on (default 127.0.0.1).")
    static let port = Option<Int>("port", value: "port", help: "Port (default 0: any free port, printed on start).", range: 0...65_535)
    static let tlsKey = Option<String>("tls-key", value: "pem", help: "TLS private key.")
    static let tlsCert = Option<String>("tls-cert", value: "pem", help: "TLS certificate chain; serves HTTPS with --\(tlsKey.name).")
    static let portFile = Option<String>("port-file", value: "file", help: "Write the bound port here once listening.")
    static let maxBody = Option<Int>("max-body", value: "bytes", help: "Largest request body (default 16777216); children cut pushes to fit it.",
                                     range: 0...Int.max)
    static let parentCA = Option<String>("parent-ca", value: "pem", help: "CA bundle to trust for an https parent.")
    static let syncInterval = Option<Int64>("sync-interval", value: "seconds", help: "Seconds between syncs while they succeed (default 60).",
                                            range: 1...Int64.max)
    static let headTimeout = Option<Int64>("head-timeout", value: "seconds", help: "Deadline for a whole request head, answered 408 beyond (default 10).",
                                           range: 1...Int64.max)
    static let maxConnections = Option<Int>("max-connections", value: "n",
                                            help: "Open connections at most, answered 503 beyond (default 16384, lowered to fit the open-file limit).",
                                            range: 1...Int.max)
    static let maxConnectionsPerPeer = Option<Int>("max-connections-per-peer", value: "n", help: "Open connections from one address at most (default 256).",
                                                   range: 1...Int.max)
    static let maxBodyInFlight = Option<Int>("max-body-in-flight", value: "bytes",
                                             help: "Request body bytes buffered at once across connections (default 67108864, at least --\(maxBody.name)).",
                                             range: 0...Int.max)

    static let webhookRetryAfter = Option<Int64>("webhook-retry-after", value: "seconds",
                                                 help: "Seconds before a failed webhook delivery is tried again, doubling each time up to 1 h (default 10).",
                                                 range: 1...3_600)
    static let webhookCA = Option<String>("webhook-ca", value: "pem", help: "CA bundle to trust for https webhook receivers.")

    /// Descriptors kept back from the connection cap: listener, epoll, wake pipes, SQLite and its
    /// journal, outgoing sync connections, standard streams.
    static let reservedDescriptors = 128

    /// A sync event as a line of the node's log.
    static func describe(_ event: SyncAgent.Event, parent: String) -> String {
        switch event {
        case .failed(let reason, let at, let retryIn):
            "\(TimeText.iso(at)) sync with \(parent) failed: \(reason); next try in \(TimeText.duration(retryIn))"
        case .recovered(let at, let failures):
            "\(TimeText.iso(at)) sync with \(parent) succeeded again after \(failures) failed round\(failures == 1 ? "" : "s")"
        }
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let directory = NodeDirectory(try arguments.required(CommonOptions.dir))
        let node = try directory.open()
        let token = try directory.operatorToken()
        var configuration = HTTPServerConfiguration(host: try arguments.value(host) ?? "127.0.0.1", port: try arguments.value(port) ?? 0)
        configuration.maxBodySize = try arguments.value(maxBody) ?? 16 << 20
        if let headTimeout = try arguments.value(Self.headTimeout) { configuration.headTimeout = .seconds(headTimeout) }
        // Each open connection is a descriptor: take the most the system allows, and cap connections below it.
        let openFiles = OpenFileLimit.raiseToHardLimit()
        if let maxConnections = try arguments.value(Self.maxConnections) { configuration.maxConnections = maxConnections }
        if let perPeer = try arguments.value(maxConnectionsPerPeer) { configuration.maxConnectionsPerPeer = perPeer }
        if let inFlight = try arguments.value(maxBodyInFlight) {
            guard inFlight >= configuration.maxBodySize else {
                throw ValidationError("--\(maxBodyInFlight.name) must be at least --\(maxBody.name)", code: .conflictingOptions)
            }
            configuration.maxBodyBytesInFlight = inFlight
        }
        configuration.maxBodyBytesInFlight = max(configuration.maxBodyBytesInFlight, configuration.maxBodySize)
        let fitting = max(1, openFiles - Self.reservedDescriptors)
        if configuration.maxConnections > fitting {
            Console.print("open-file limit \(openFiles): serving at most \(fitting) connections instead of \(configuration.maxConnections)")
            configuration.maxConnections = fitting
        }
        configuration.crowdedConnections = min(configuration.crowdedConnections, configuration.maxConnections * 3 / 4)
        switch (try arguments.value(tlsCert), try arguments.value(tlsKey)) {
        case let (cert?, key?): configuration.tls = .init(certificateChainPath: cert, privateKeyPath: key)
        case (nil, nil): break
        default: throw ValidationError("--\(tlsCert.name) and --\(tlsKey.name) go together", code: .conflictingOptions)
        }
        let executor = NodeExecutor(node: node)
        let api = NodeAPI(executor: executor, token: OperatorToken(token), anchorPEM: try node.identity.anchor.publicKey.pemRepresentation,
                          nodeName: node.identity.name, clock: { TimeArgument.now })
        // The web console at /console: the operator logs in with the same token, and gets a session cookie.
        let console = NodeConsole(executor: executor, token: OperatorToken(token), nodeName: node.identity.name, secureCookies: configuration.tls != nil)
        api.attach { endpoint, request, now in console.handle(endpoint, request, at: now) }
        let server = try api.makeServer(configuration: configuration)
        var syncAgent: SyncAgent?
        if let parent = try arguments.value(SyncCommand.parent) {
            let agent = SyncAgent(executor: executor, parentURL: parent, caBundle: try arguments.value(parentCA),
                                  clock: { TimeArgument.now }, log: { Console.error(Self.describe($0, parent: parent)) })
            agent.start(schedule: SyncSchedule(interval: try arguments.value(syncInterval) ?? 60))
            syncAgent = agent
        }
        // Webhooks go out on their own thread from the store's outbox: a receiver never slows a sale.
        let webhooks = WebhookDispatcher(
            executor: executor, schedule: WebhookRetrySchedule(firstDelay: try arguments.value(webhookRetryAfter) ?? WebhookRetrySchedule.standard.firstDelay),
            caBundle: try arguments.value(webhookCA), clock: { TimeArgument.now }, log: { Console.error("\(TimeText.iso(TimeArgument.now)) \($0)") })
        api.attach(afterChange: { webhooks.notify() })
        webhooks.start()
        let signals = server.drainOnSignals()
        let scheme = configuration.tls == nil ? "http" : "https"
        if let portFile = try arguments.value(Self.portFile) {
            try "\(server.port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        let url = "\(scheme)://\(configuration.host):\(server.port)"
        try directory.lock().record(url: url)
        Console.print("node \(node.identity.name) serving on \(url) (key id \(node.identity.keyID)); console at \(url)/console")
        server.waitUntilStopped()
        syncAgent?.stop()
        webhooks.stop()
        executor.stop()
        // Released here, on this thread, once every other thread of the node has ended.
        withExtendedLifetime((signals, server)) {}
        Console.print("node \(node.identity.name) stopped")
        return .success
    }
}
