/// What the acceptor and every connection thread share: configuration, system calls, handler and state.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let system: any SocketSystem
    let handler: HTTPServer.Handler
    let metrics = MetricsRecorder()
    let registry: ConnectionRegistry
    let wake: WakePipe
    let tls: TLSContext?

    init(configuration: HTTPServerConfiguration, system: any SocketSystem, handler: @escaping HTTPServer.Handler,
         wake: WakePipe, tls: TLSContext?) {
        self.configuration = configuration
        self.system = system
        self.handler = handler
        self.registry = ConnectionRegistry(limit: configuration.maxConnections)
        self.wake = wake
        self.tls = tls
    }
}
