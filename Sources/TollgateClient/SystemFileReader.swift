import Foundation

/// Reads the small system files the client derives the machine's identity from. The live reader
/// goes to the file system; tests hand in fixed contents.
public struct SystemFileReader {
    private let read: @Sendable (String) -> [UInt8]?

    /// A reader answering with `read(path)`: the file's bytes, or nil when it is missing or unreadable.
    public init(_ read: @escaping @Sendable (String) -> [UInt8]?) {
        self.read = read
    }

    /// Reads from the file system.
    public static let live = SystemFileReader { path in
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Answers with `files[path]` and treats every other path as missing.
    public static func fixed(_ files: [String: String]) -> SystemFileReader {
        SystemFileReader { path in files[path].map { Array($0.utf8) } }
    }

    /// The bytes of the file at `path`, or nil when it is missing or unreadable.
    public func contents(of path: String) -> [UInt8]? {
        read(path)
    }
}

extension SystemFileReader: Sendable {}
