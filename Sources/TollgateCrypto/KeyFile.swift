import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes key files; private keys are created with the requested mode from the start.
enum KeyFile {
    static func write(_ bytes: [UInt8], to url: URL, mode: mode_t) throws(CryptoError) {
        let path = url.path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw CryptoError(.fileAccess, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // O_CREAT honours the umask; set the exact mode explicitly.
        guard fchmod(fd, mode) == 0 else {
            throw CryptoError(.fileAccess, "cannot set mode of \(path): \(String(cString: strerror(errno)))")
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CryptoError(.fileAccess, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            throw CryptoError(.fileAccess, "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func read(_ url: URL) throws(CryptoError) -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw CryptoError(.fileAccess, "cannot read \(url.path): \(error.localizedDescription)")
        }
    }
}
