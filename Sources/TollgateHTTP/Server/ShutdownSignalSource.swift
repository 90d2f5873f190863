import Foundation
import Glibc

/// The write end of the self-pipe the signal handler writes to. Set once, before any handler is
/// installed, and only read afterwards (from the async-signal-safe handler).
private nonisolated(unsafe) var shutdownSignalPipe: Int32 = -1

/// Runs an action (normally `HTTPServer.shutdown()`) when the process receives one of some signals.
/// The handlers are installed with `sigaction` before `init` returns, so no signal is lost however
/// early it comes; the handler only writes a byte to a pipe, and a thread reading the pipe runs the
/// action (once per delivery, so the action should be idempotent, as `HTTPServer.shutdown()` is).
///
/// Once the source is released its signals are ignored (the process is on its way out; a repeated
/// SIGTERM must not kill it with its exit half done) and its thread has ended.
public final class ShutdownSignalSource {
    private let readEnd: Int32
    private let writeEnd: Int32
    private let signals: [CInt]
    private let threadEnded = DispatchSemaphore(value: 0)

    public init(signals: [CInt], action: @escaping @Sendable () -> Void) {
        self.signals = signals
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 {
            // Without a pipe the process keeps the default action: the signal still stops it, undrained.
            readEnd = -1
            writeEnd = -1
            return
        }
        readEnd = fds[0]
        writeEnd = fds[1]
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        shutdownSignalPipe = writeEnd
        // A process started by a thread that blocks signals (Dispatch's workers do) inherits the mask;
        // unblock ours on this thread so they are delivered at all.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for number in signals { sigaddset(&unblock, number) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for number in signals {
            var handler = sigaction()
            handler.__sigaction_handler.sa_handler = { signal in
                var byte = UInt8(truncatingIfNeeded: signal)
                _ = write(shutdownSignalPipe, &byte, 1)
            }
            sigemptyset(&handler.sa_mask)
            handler.sa_flags = SA_RESTART
            sigaction(number, &handler, nil)
        }
        let readEnd = self.readEnd
        let threadEnded = threadEnded
        let thread = Thread {
            defer { threadEnded.signal() }
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 { action(); continue }
                if count < 0 && errno == EINTR { continue }
                return  // the pipe was closed
            }
        }
        thread.name = "tollgate-shutdown-signals"
        thread.start()
    }

    deinit {
        guard writeEnd >= 0 else { return }
        for number in signals {
            var ignore = sigaction()
            ignore.__sigaction_handler.sa_handler = SIG_IGN
            sigemptyset(&ignore.sa_mask)
            sigaction(number, &ignore, nil)
        }
        close(writeEnd)
        threadEnded.wait()
        close(readEnd)
    }
}
