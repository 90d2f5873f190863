/// A stable, extensible name for a kind of failure: a struct of static constants rather than an enum
/// (swift-certificates' `ErrorCode`), so a layer can add codes without breaking the callers and tests
/// that match the ones they know.
public protocol ErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The name in snake_case, as logs, problem bodies and `description` show it.
    var rawValue: String { get }
    init(_ rawValue: String)
}

extension ErrorCode {
    public var description: String { rawValue }
}
