import COpenSSL
import Glibc

/// TLS over one accepted socket with OpenSSL in non-blocking mode, its records carried by a `SocketBIO`.
final class TLSTransport: ConnectionTransport {
    private let session: OpaquePointer
    private let endpoint: SocketBIO.Endpoint

    init(context: TLSContext, descriptor: CInt, system: any SocketSystem) throws(HTTPServerError) {
        endpoint = SocketBIO.Endpoint(descriptor: descriptor, system: system)
        guard let method = SocketBIO.shared else { throw HTTPServerError(.tlsConfiguration, "cannot create the socket BIO method") }
        guard let session = SSL_new(context.pointer) else {
            throw HTTPServerError(.tlsConfiguration, "SSL_new failed: \(TLSContext.drainErrors())")
        }
        guard let bio = method.makeBIO(for: endpoint) else {
            SSL_free(session)
            throw HTTPServerError(.tlsConfiguration, "BIO_new failed")
        }
        // The session takes the one reference to `bio`, used for both directions, and frees it with itself.
        SSL_set_bio(session, bio, bio)
        self.session = session
    }

    deinit {
        SSL_free(session)
    }

    func handshake() -> TransportOutcome {
        ERR_clear_error()
        let result = SSL_accept(session)
        return result == 1 ? .transferred(0) : outcome(of: result, operation: "handshake")
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer) -> TransportOutcome {
        ERR_clear_error()
        let result = SSL_read(session, buffer.baseAddress, Int32(clamping: buffer.count))
        return result > 0 ? .transferred(Int(result)) : outcome(of: result, operation: "read")
    }

    func send(_ buffer: UnsafeRawBufferPointer) -> TransportOutcome {
        guard !buffer.isEmpty else { return .transferred(0) }
        ERR_clear_error()
        let result = SSL_write(session, buffer.baseAddress, Int32(clamping: buffer.count))
        return result > 0 ? .transferred(Int(result)) : outcome(of: result, operation: "write")
    }

    func closeWrite() {
        ERR_clear_error()
        _ = SSL_shutdown(session)
        ERR_clear_error()
        try? endpoint.system.shutdown(endpoint.descriptor, how: CInt(SHUT_WR))
    }

    private func outcome(of result: Int32, operation: String) -> TransportOutcome {
        let code = SSL_get_error(session, result)
        switch code {
        case SSL_ERROR_WANT_READ:
            return .wouldBlock(.readable)
        case SSL_ERROR_WANT_WRITE:
            return .wouldBlock(.writable)
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL:
            if let error = endpoint.lastError { return .failed("TLS \(operation): \(error)") }
            return .closed
        default:
            return .failed("TLS \(operation): \(TLSContext.drainErrors())")
        }
    }
}
