import COpenSSL

/// Owns the server's OpenSSL `SSL_CTX`: certificate chain, private key, TLS 1.2 or later.
final class TLSContext {
    let pointer: OpaquePointer

    init(_ configuration: HTTPServerConfiguration.TLS) throws(HTTPServerError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw HTTPServerError(.tlsConfiguration, "SSL_CTX_new failed: \(TLSContext.drainErrors())")
        }
        pointer = context
        guard tollgate_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw HTTPServerError(.tlsConfiguration, "cannot require TLS 1.2: \(TLSContext.drainErrors())")
        }
        _ = tollgate_SSL_CTX_set_mode(context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        _ = SSL_CTX_set_options(context, tollgate_SSL_OP_IGNORE_UNEXPECTED_EOF() | tollgate_SSL_OP_NO_RENEGOTIATION())
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateChainPath) == 1 else {
            throw HTTPServerError(.tlsConfiguration,
                                  "cannot load the certificate chain \(configuration.certificateChainPath): \(TLSContext.drainErrors())")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw HTTPServerError(.tlsConfiguration,
                                  "cannot load the private key \(configuration.privateKeyPath): \(TLSContext.drainErrors())")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw HTTPServerError(.tlsConfiguration, "the private key does not match the certificate: \(TLSContext.drainErrors())")
        }
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// Reads and clears this thread's OpenSSL error queue.
    static func drainErrors() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no OpenSSL error recorded" : messages.joined(separator: "; ")
    }
}

// The SSL_CTX is configured once in init and never changed afterwards; OpenSSL allows SSL_new on one
// context from many threads at once.
extension TLSContext: @unchecked Sendable {}
