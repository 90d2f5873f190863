import Foundation

/// A bash shell in a detached tmux session on a private socket, driven as a person would: keys
/// typed with `send-keys`, the screen read with `capture-pane`. Each prompt is preceded by the last
/// command's exit code (`[exit N]`), so a transcript shows it and a driver knows a command ended.
final class TmuxSession {
    let tmux: String
    let socket: String
    let directory: URL
    let path: String

    init(tmux: String, socket: String, directory: URL, path: String) {
        self.tmux = tmux
        self.socket = socket
        self.directory = directory
        self.path = path
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A wide window, so no line wraps, and a shell with nothing of the user's setup.
    func start() throws {
        let shell = "env -i HOME=\(directory.path) PATH=\(path):/usr/bin:/bin TERM=dumb LANG=C.UTF-8 PS1='$ ' "
            + "PROMPT_COMMAND='echo \"[exit $?]\"' bash --norc --noprofile"
        // The server forks from this first client and keeps every descriptor it inherits, including the
        // one Foundation watches to see the client end; bash closes them before starting tmux.
        let arguments = ["-S", socket, "new-session", "-d", "-s", "story", "-x", "400", "-y", "60", "-c", directory.path, shell]
        let launcher = "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done; exec \"$0\" \"$@\""
        try run(["/bin/bash", "-c", launcher, tmux] + arguments, direct: true)
        try run(["set-option", "-t", "story", "history-limit", "10000"])
    }

    func type(_ line: String) throws {
        try run(["send-keys", "-t", "story", "-l", line])
        try run(["send-keys", "-t", "story", "Enter"])
    }

    /// Waits until `count` prompts have been drawn (the first comes with the shell).
    func waitForPrompts(_ count: Int, timeout: TimeInterval = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let prompts = try capture().split(separator: "\n").filter { $0.range(of: #"^\[exit \d+\]$"#, options: .regularExpression) != nil }.count
            if prompts >= count { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "the shell drew fewer than \(count) prompts in \(Int(timeout)) s:\n\(try capture())")
    }

    /// The whole scrollback and screen, wrapped lines joined.
    func capture() throws -> String {
        try run(["capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", "story"])
    }

    /// Ends the shell, which ends the session and with it the server (it inherits blocked signals from
    /// the test process, so a signal would not); `kill-server` for one that lingers, usually gone by then.
    func stop() {
        _ = try? type("exit")
        Thread.sleep(forTimeInterval: 0.1)
        _ = try? run(["kill-server"])
    }

    @discardableResult
    /// Runs a tmux client on the session's socket, or with `direct` the command line as given.
    private func run(_ arguments: [String], direct: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: direct ? arguments[0] : tmux)
        process.arguments = direct ? Array(arguments.dropFirst()) : ["-S", socket] + arguments
        let output = Pipe()
        process.standardOutput = direct ? FileHandle.nullDevice : output
        process.standardError = direct ? FileHandle.nullDevice : output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = direct ? Data() : output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw Failure(description: "tmux \(arguments.joined(separator: " ")): \(text)") }
        return text
    }
}
