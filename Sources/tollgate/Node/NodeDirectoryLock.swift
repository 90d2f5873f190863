import Foundation
import Glibc
import Synchronization
import TollgateCommandLine

/// The one writer of a node directory: an exclusive `flock` on `<dir>/node.lock`, taken before the
/// store is opened and held until the process ends. The kernel drops the lock when the process dies,
/// SIGKILL included, so a crash never leaves a stale lock behind; what the file says about the
/// holder (pid, command, start, URL) is only read to name it in the refusal, never trusted as the lock.
///
/// Every command that opens the store goes through ``NodeDirectory/open(ids:)``, which takes it, so
/// a second process (an `issue --dir` while `node serve` runs, two servers) fails at once, before it
/// has written anything, with an error naming the directory and the process that holds it.
final class NodeDirectoryLock: Sendable {
    /// The locks this process holds, by the directory's resolved path: a process that opens its
    /// directory again (`root init` creates, then opens) reuses its lock rather than conflicting with it.
    private static let held = Mutex<[String: NodeDirectoryLock]>([:])

    let directory: String
    let url: URL
    /// The descriptor the lock lives on; closed only by the process ending.
    private let descriptor: Int32

    /// Takes the lock of `directory` for the rest of the process's life, or throws naming its holder.
    static func acquire(_ directory: URL) throws -> NodeDirectoryLock {
        // A write past a file size limit (RLIMIT_FSIZE) must come back as EFBIG, which the store
        // reports as a full disk, instead of SIGXFSZ ending the writer in the middle of a commit.
        signal(SIGXFSZ, SIG_IGN)
        let key = directory.resolvingSymlinksInPath().path
        return try held.withLock { held in
            if let lock = held[key] { return lock }
            let lock = try NodeDirectoryLock(directory: directory)
            held[key] = lock
            return lock
        }
    }

    private init(directory: URL) throws {
        self.directory = directory.path
        url = directory.appendingPathComponent("node.lock")
        var fd = Glibc.open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 && (errno == EACCES || errno == EROFS) {
            // A read-only directory: flock needs no write access, so the lock still keeps out a second
            // process; only the record of who holds it cannot be written.
            fd = Glibc.open(url.path, O_RDONLY | O_CLOEXEC)
        }
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CommandFailure("cannot lock the node directory \(directory.path): opening \(url.path) failed: \(reason)")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            let holder = Self.describeHolder(fd)
            Glibc.close(fd)
            guard error == EWOULDBLOCK else {
                throw CommandFailure("cannot lock the node directory \(directory.path): \(String(cString: strerror(error)))")
            }
            throw CommandFailure(
                "the node directory \(directory.path) is in use by \(holder.process); only one process may open a node's store. "
                    + "Stop it first, or act on the running node with --\(CommonOptions.node.name) \(holder.url ?? "<its URL>") and its operator token "
                    + "(read-only commands such as 'list' and 'report' too)")
        }
        descriptor = fd
        write(Self.record(pid: getpid(), command: CommandLine.arguments, url: nil))
    }

    /// Adds the URL the node serves on to the lock file, so a refused second writer can name it.
    func record(url: String) {
        write(Self.record(pid: getpid(), command: CommandLine.arguments, url: url))
    }

    /// Replaces the lock file's text; a failure to write it (a full disk) leaves the lock held all the same.
    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        guard ftruncate(descriptor, 0) == 0 else { return }
        _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    private static func record(pid: pid_t, command: [String], url: String?) -> String {
        var lines = ["pid=\(pid)", "command=\(command.joined(separator: " "))",
                     "started=\(ISO8601DateFormatter().string(from: Date()))"]
        if let url { lines.append("url=\(url)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Who holds the lock, as its lock file tells; the pid is checked against the running processes.
    private static func describeHolder(_ fd: Int32) -> (process: String, url: String?) {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let pid = fields["pid"] else { return ("another process (it has not recorded itself yet)", nil) }
        var process = "process \(pid)"
        if let command = fields["command"] { process += " (\(command))" }
        if let started = fields["started"] { process += ", running since \(started)" }
        return (process, fields["url"])
    }
}
