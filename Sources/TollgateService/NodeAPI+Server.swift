import TollgateAPI
import TollgateHTTP
import TollgateHTTPMessages

extension NodeAPI {
    /// The HTTP server for this API: a push's head is checked before its body is read, and the
    /// server's own counters show in `/metrics`. Call `start()` on it to serve.
    public func makeServer(configuration: HTTPServerConfiguration) throws -> HTTPServer {
        let server = try HTTPServer(configuration: configuration, headCheck: { [self] head in checkHead(head) }) { [self] request in handle(request) }
        attach { [server] exposition in server.metrics.write(to: &exposition) }
        limitPushes(toBodySize: configuration.maxBodySize)
        return server
    }
}
