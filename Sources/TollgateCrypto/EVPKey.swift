import COpenSSL
import Synchronization

/// Owns one OpenSSL `EVP_PKEY` and frees it when the last reference goes.
final class EVPKey {
    let pointer: OpaquePointer
    /// A signing and a verifying context set up for this key, reused by one thread at a time:
    /// setting one up costs about a fifth of an Ed25519 signature. Each is kept as its address (0:
    /// none yet) so the lock holds a plain value.
    private let signing = Mutex<UInt>(0)
    private let verifying = Mutex<UInt>(0)

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        signing.withLock { EVP_MD_CTX_free(OpaquePointer(bitPattern: $0)) }
        verifying.withLock { EVP_MD_CTX_free(OpaquePointer(bitPattern: $0)) }
        EVP_PKEY_free(pointer)
    }

    static func ed25519(privateSeed seed: [UInt8]) throws(CryptoError) -> EVPKey {
        guard seed.count == 32 else { throw CryptoError(.invalidKey, "an Ed25519 private key is 32 bytes, got \(seed.count)") }
        guard let key = seed.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }) else {
            throw CryptoError(.invalidKey, "OpenSSL rejected the Ed25519 private key: \(OpenSSLErrors.drain())")
        }
        return EVPKey(taking: key)
    }

    static func ed25519(publicKey raw: [UInt8]) throws(CryptoError) -> EVPKey {
        guard raw.count == 32 else { throw CryptoError(.invalidKey, "an Ed25519 public key is 32 bytes, got \(raw.count)") }
        guard let key = raw.withUnsafeBufferPointer({ EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }) else {
            throw CryptoError(.invalidKey, "OpenSSL rejected the Ed25519 public key: \(OpenSSLErrors.drain())")
        }
        return EVPKey(taking: key)
    }

    var isEd25519: Bool { EVP_PKEY_get_id(pointer) == EVP_PKEY_ED25519 }

    func rawPublicKey() throws(CryptoError) -> [UInt8] {
        var length = 32
        var out = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_public_key(pointer, &out, &length) == 1, length == 32 else {
            throw CryptoError(.invalidKey, "cannot read the raw public key: \(OpenSSLErrors.drain())")
        }
        return out
    }

    func rawPrivateKey() throws(CryptoError) -> [UInt8] {
        var length = 32
        var out = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_private_key(pointer, &out, &length) == 1, length == 32 else {
            throw CryptoError(.invalidKey, "cannot read the raw private key: \(OpenSSLErrors.drain())")
        }
        return out
    }

    /// One-shot `EVP_DigestSign`, as Ed25519 requires (no streaming).
    /// Signs with the context kept for this key, or with a new one while another thread holds it.
    func sign(_ message: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        let kept = signing.withLockIfAvailable { address -> Result<[UInt8], CryptoError> in
            var context = OpaquePointer(bitPattern: address)
            defer { address = UInt(bitPattern: context) }
            return Result { () throws(CryptoError) -> [UInt8] in try sign(message, reusing: &context) }
        }
        if let kept { return try kept.get() }
        var fresh: OpaquePointer?
        defer { EVP_MD_CTX_free(fresh) }
        return try sign(message, reusing: &fresh)
    }

    /// Signs with `context`, first setting one up for this key if it is nil. A context that failed
    /// is freed (and nil), so the next call starts over.
    private func sign(_ message: UnsafeRawBufferPointer, reusing context: inout OpaquePointer?) throws(CryptoError) -> [UInt8] {
        if context == nil {
            guard let created = EVP_MD_CTX_new() else { throw CryptoError(.signingFailed, "EVP_MD_CTX_new failed") }
            guard EVP_DigestSignInit(created, nil, nil, nil, pointer) == 1 else {
                EVP_MD_CTX_free(created)
                throw CryptoError(.signingFailed, "EVP_DigestSignInit failed: \(OpenSSLErrors.drain())")
            }
            context = created
        }
        var length = 64
        var signature = [UInt8](repeating: 0, count: 64)
        let status = EVP_DigestSign(context, &signature, &length,
                                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        guard status == 1, length == 64 else {
            EVP_MD_CTX_free(context)
            context = nil
            throw CryptoError(.signingFailed, "EVP_DigestSign failed: \(OpenSSLErrors.drain())")
        }
        return signature
    }

    /// Verifies with the context kept for this key, or with a new one while another thread holds it.
    func verify(signature: [UInt8], message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == 64 else { return false }
        let kept = verifying.withLockIfAvailable { address -> Bool in
            var context = OpaquePointer(bitPattern: address)
            defer { address = UInt(bitPattern: context) }
            return verify(signature: signature, message: message, reusing: &context)
        }
        if let kept { return kept }
        var fresh: OpaquePointer?
        defer { EVP_MD_CTX_free(fresh) }
        return verify(signature: signature, message: message, reusing: &fresh)
    }

    /// Verifies with `context`, first setting one up for this key if it is nil. After a failure the
    /// context is freed (and nil), so no error state carries over to the next call.
    private func verify(signature: [UInt8], message: UnsafeRawBufferPointer, reusing context: inout OpaquePointer?) -> Bool {
        if context == nil {
            guard let created = EVP_MD_CTX_new() else { return false }
            guard EVP_DigestVerifyInit(created, nil, nil, nil, pointer) == 1 else {
                EVP_MD_CTX_free(created)
                ERR_clear_error()
                return false
            }
            context = created
        }
        let status = EVP_DigestVerify(context, signature, 64,
                                      message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        guard status == 1 else {
            EVP_MD_CTX_free(context)
            context = nil
            ERR_clear_error()
            return false
        }
        return true
    }

    // MARK: PEM

    static func readPrivatePEM(_ pem: String) throws(CryptoError) -> EVPKey {
        let key = try withMemoryBIO(pem) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        guard let key else { throw CryptoError(.invalidPEM, "not a PEM private key (PKCS#8): \(OpenSSLErrors.drain())") }
        let owned = EVPKey(taking: key)
        guard owned.isEd25519 else { throw CryptoError(.wrongKeyType, "the PEM private key is not an Ed25519 key") }
        return owned
    }

    static func readPublicPEM(_ pem: String) throws(CryptoError) -> EVPKey {
        let key = try withMemoryBIO(pem) { PEM_read_bio_PUBKEY($0, nil, nil, nil) }
        guard let key else { throw CryptoError(.invalidPEM, "not a PEM public key (SPKI): \(OpenSSLErrors.drain())") }
        let owned = EVPKey(taking: key)
        guard owned.isEd25519 else { throw CryptoError(.wrongKeyType, "the PEM public key is not an Ed25519 key") }
        return owned
    }

    func privatePEM() throws(CryptoError) -> String {
        try writeToMemoryBIO { PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) }
    }

    func publicPEM() throws(CryptoError) -> String {
        try writeToMemoryBIO { PEM_write_bio_PUBKEY($0, pointer) }
    }

    private static func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer) -> T) throws(CryptoError) -> T {
        let bytes = Array(text.utf8)
        guard let bio = bytes.withUnsafeBufferPointer({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw CryptoError(.invalidPEM, "BIO_new_mem_buf failed")
        }
        defer { BIO_free(bio) }
        // BIO_new_mem_buf does not copy: `bytes` must outlive the read, which `body` finishes here.
        return withExtendedLifetime(bytes) { body(bio) }
    }

    private func writeToMemoryBIO(_ body: (OpaquePointer) -> Int32) throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError(.invalidPEM, "BIO_new failed") }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { throw CryptoError(.invalidPEM, "PEM encoding failed: \(OpenSSLErrors.drain())") }
        var data: UnsafeMutablePointer<CChar>?
        let length = tollgate_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { throw CryptoError(.invalidPEM, "PEM encoding produced no output") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}

// EVP_PKEY is never mutated after construction, and OpenSSL 3 allows one key to be used from many
// threads at once as long as each operation has its own EVP_MD_CTX: a kept one is used under its lock.
extension EVPKey: @unchecked Sendable {}
