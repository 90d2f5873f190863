import Foundation
import TollgateAPI
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateService

/// `tollgate node serve`: run a node's HTTP API until SIGTERM or SIGINT, then drain.
enum NodeServeCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "node serve",
        abstract: "Serve a node's HTTP API (operator, customer and log endpoints) until SIGTERM.",
        discussion: "Operator calls need 'Authorization: Bearer <token>' with the token in <dir>/operator.token.",
        options: [
            .init(name: "dir", value: "directory", help: "The node.", required: true),
            .init(name: "host", value: "address", help: "Address to listen on (default 127.0.0.1)."),
            .init(name: "port", value: "port", help: "Port (default 0: any free port, printed on start)."),
            .init(name: "tls-cert", value: "pem", help: "TLS certificate chain; serves HTTPS with --tls-key."),
            .init(name: "tls-key", value: "pem", help: "TLS private key."),
            .init(name: "port-file", value: "file", help: "Write the bound port here once listening."),
            .init(name: "max-body", value: "bytes", help: "Largest request body (default 16777216: a week of an agent's sales in one push)."),
            .init(name: "parent", value: "url", help: "Sync with this parent node in the background."),
            .init(name: "parent-ca", value: "pem", help: "CA bundle to trust for an https parent."),
            .init(name: "sync-interval", value: "seconds", help: "Seconds between syncs while they succeed (default 60)."),
            .init(name: "head-timeout", value: "seconds", help: "Deadline for a whole request head, answered 408 beyond (default 10)."),
            .init(name: "max-connections", value: "n", help: "Open connections at most, answered 503 beyond (default 16384, lowered to fit the open-file limit)."),
            .init(name: "max-connections-per-peer", value: "n", help: "Open connections from one address at most (default 256)."),
            .init(name: "max-body-in-flight", value: "bytes", help: "Request body bytes buffered at once across connections (default 67108864, at least --max-body)."),
        ])

    /// Descriptors kept back from the connection cap: listener, epoll, wake pipes, SQLite and its
    /// journal, outgoing sync connections, standard streams.
    static let reservedDescriptors = 128

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let directory = NodeDirectory(try arguments.required("dir"))
        let node = try directory.open()
        let token = try directory.operatorToken()
        var configuration = HTTPServerConfiguration(host: arguments.value("host") ?? "127.0.0.1", port: Int(try arguments.integer("port") ?? 0))
        configuration.maxBodySize = Int(try arguments.integer("max-body") ?? 16 << 20)
        if let headTimeout = try arguments.integer("head-timeout") {
            guard headTimeout > 0 else { throw ValidationError("--head-timeout must be a positive number of seconds") }
            configuration.headTimeout = .seconds(headTimeout)
        }
        // Each open connection is a descriptor: take the most the system allows, and cap connections below it.
        let openFiles = OpenFileLimit.raiseToHardLimit()
        if let maxConnections = try arguments.integer("max-connections") {
            guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
            configuration.maxConnections = Int(maxConnections)
        }
        if let perPeer = try arguments.integer("max-connections-per-peer") {
            guard perPeer > 0 else { throw ValidationError("--max-connections-per-peer must be positive") }
            configuration.maxConnectionsPerPeer = Int(perPeer)
        }
        if let inFlight = try arguments.integer("max-body-in-flight") {
            guard inFlight >= configuration.maxBodySize else { throw ValidationError("--max-body-in-flight must be at least --max-body") }
            configuration.maxBodyBytesInFlight = Int(inFlight)
        }
        configuration.maxBodyBytesInFlight = max(configuration.maxBodyBytesInFlight, configuration.maxBodySize)
        let fitting = max(1, openFiles - Self.reservedDescriptors)
        if configuration.maxConnections > fitting {
            Console.print("open-file limit \(openFiles): serving at most \(fitting) connections instead of \(configuration.maxConnections)")
            configuration.maxConnections = fitting
        }
        configuration.crowdedConnections = min(configuration.crowdedConnections, configuration.maxConnections * 3 / 4)
        switch (arguments.value("tls-cert"), arguments.value("tls-key")) {
        case let (cert?, key?): configuration.tls = .init(certificateChainPath: cert, privateKeyPath: key)
        case (nil, nil): break
        default: throw ValidationError("--tls-cert and --tls-key go together")
        }
        let executor = NodeExecutor(node: node)
        let api = NodeAPI(executor: executor, token: OperatorToken(token), anchorPEM: try node.identity.anchor.publicKey.pemRepresentation,
                          nodeName: node.identity.name, clock: { TimeArgument.now })
        let server = try api.makeServer(configuration: configuration)
        var syncAgent: SyncAgent?
        if let parent = arguments.value("parent") {
            let agent = SyncAgent(executor: executor, parentURL: parent, caBundle: arguments.value("parent-ca"),
                                  clock: { TimeArgument.now })
            agent.start(schedule: SyncSchedule(interval: try arguments.integer("sync-interval") ?? 60))
            syncAgent = agent
        }
        let signals = server.drainOnSignals()
        let scheme = configuration.tls == nil ? "http" : "https"
        if let portFile = arguments.value("port-file") {
            try "\(server.port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        let url = "\(scheme)://\(configuration.host):\(server.port)"
        try directory.lock().record(url: url)
        Console.print("node \(node.identity.name) serving on \(url) (key id \(node.identity.keyID))")
        server.waitUntilStopped()
        syncAgent?.stop()
        executor.stop()
        withExtendedLifetime(signals) {}
        Console.print("node \(node.identity.name) stopped")
        return .success
    }
}
