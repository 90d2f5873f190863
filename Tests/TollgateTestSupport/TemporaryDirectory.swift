import Foundation

/// A fresh directory under the system's temporary directory for one test's files, removed when the
/// test lets go of it.
public final class TemporaryDirectory {
    public let url: URL

    /// `label` names the directory (tollgate-`label`-…), so a leftover one says which test made it.
    public init(_ label: String = "test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A path inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A URL inside the directory.
    public func url(_ name: String) -> URL { url.appendingPathComponent(name) }
}
