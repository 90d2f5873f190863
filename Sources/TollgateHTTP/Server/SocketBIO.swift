import COpenSSL

/// An OpenSSL BIO type that moves TLS records through a `SocketSystem`, so TLS connections make the same
/// (fault-injectable, `SIGPIPE`-free) system calls as cleartext ones.
final class SocketBIO {
    /// The socket one BIO instance reads and writes; owned by the TLS transport that made the BIO.
    final class Endpoint {
        let descriptor: CInt
        let system: any SocketSystem
        var lastError: SocketErrno?

        init(descriptor: CInt, system: any SocketSystem) {
            self.descriptor = descriptor
            self.system = system
        }
    }

    /// The BIO_METHOD, made once per process; nil if OpenSSL could not allocate it.
    static let shared: SocketBIO? = SocketBIO()

    private let method: OpaquePointer

    private init?() {
        let type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK
        guard let method = BIO_meth_new(type, "tollgate socket") else { return nil }
        self.method = method
        BIO_meth_set_write(method, socketBIOWrite)
        BIO_meth_set_read(method, socketBIORead)
        BIO_meth_set_ctrl(method, socketBIOControl)
        BIO_meth_set_create(method, socketBIOCreate)
    }

    deinit {
        BIO_meth_free(method)
    }

    /// A new BIO bound to `endpoint`, which must outlive it.
    func makeBIO(for endpoint: Endpoint) -> OpaquePointer? {
        guard let bio = BIO_new(method) else { return nil }
        BIO_set_data(bio, Unmanaged.passUnretained(endpoint).toOpaque())
        return bio
    }
}

// The BIO_METHOD is filled in once in init and only read afterwards, which OpenSSL allows from any thread.
extension SocketBIO: @unchecked Sendable {}

private func endpoint(of bio: OpaquePointer?) -> SocketBIO.Endpoint? {
    guard let bio, let data = BIO_get_data(bio) else { return nil }
    return Unmanaged<SocketBIO.Endpoint>.fromOpaque(data).takeUnretainedValue()
}

private let retryFlags = Int32(BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY)

private func socketBIOWrite(_ bio: OpaquePointer?, _ data: UnsafePointer<CChar>?, _ length: Int32) -> Int32 {
    guard let endpoint = endpoint(of: bio), let data, length > 0 else { return 0 }
    BIO_clear_flags(bio, retryFlags)
    do {
        let written = try endpoint.system.write(endpoint.descriptor, from: UnsafeRawBufferPointer(start: data, count: Int(length)))
        return Int32(written)
    } catch {
        if error == .wouldBlock {
            BIO_set_flags(bio, Int32(BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY))
        } else {
            endpoint.lastError = error
        }
        return -1
    }
}

private func socketBIORead(_ bio: OpaquePointer?, _ data: UnsafeMutablePointer<CChar>?, _ length: Int32) -> Int32 {
    guard let endpoint = endpoint(of: bio), let data, length > 0 else { return 0 }
    BIO_clear_flags(bio, retryFlags)
    do {
        let read = try endpoint.system.read(endpoint.descriptor, into: UnsafeMutableRawBufferPointer(start: data, count: Int(length)))
        return Int32(read)
    } catch {
        if error == .wouldBlock {
            BIO_set_flags(bio, Int32(BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY))
        } else {
            endpoint.lastError = error
        }
        return -1
    }
}

private func socketBIOControl(_ bio: OpaquePointer?, _ command: Int32, _ argument: Int, _ pointer: UnsafeMutableRawPointer?) -> Int {
    // Writes go straight to the socket, so a flush has nothing to do; every other control is unsupported.
    command == BIO_CTRL_FLUSH ? 1 : 0
}

private func socketBIOCreate(_ bio: OpaquePointer?) -> Int32 {
    BIO_set_init(bio, 1)
    return 1
}
