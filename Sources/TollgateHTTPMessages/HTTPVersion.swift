/// The HTTP version named in a request line; this server speaks HTTP/1.0 and HTTP/1.1.
public struct HTTPVersion: Hashable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public var description: String { "HTTP/\(major).\(minor)" }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
}

extension HTTPVersion: Sendable {}
