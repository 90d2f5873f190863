import Foundation

/// Writes to standard output and standard error.
///
/// A write that fails (output sent to a file on a full disk) is dropped: a node must not stop over
/// its own console, and `write(_:)` would end the process on any error.
public enum Console {
    public static func print(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Writes `text` as is, without a newline (CSV, which ends its own lines with CRLF).
    public static func write(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    public static func error(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }
}
