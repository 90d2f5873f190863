/// What the event loop and the worker threads share: configuration, system calls, handler and state.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let system: any SocketSystem
    let handler: HTTPServer.Handler
    let headCheck: HTTPServer.HeadCheck?
    let metrics = MetricsRecorder()
    let registry: ConnectionRegistry
    let wake: WakePipe
    let tls: TLSContext?

    init(configuration: HTTPServerConfiguration, system: any SocketSystem, handler: @escaping HTTPServer.Handler,
         headCheck: HTTPServer.HeadCheck?, wake: WakePipe, tls: TLSContext?) {
        self.configuration = configuration
        self.system = system
        self.handler = handler
        self.headCheck = headCheck
        self.registry = ConnectionRegistry(limit: configuration.maxConnections, peerLimit: configuration.maxConnectionsPerPeer)
        self.wake = wake
        self.tls = tls
    }
}
