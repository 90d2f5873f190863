/// An option without a value, e.g. `--json`; declared once like an `Option`.
public struct Flag: Sendable {
    public let name: String
    public let help: String

    public init(_ name: String, help: String) {
        self.name = name
        self.help = help
    }

    /// The same flag with the help a particular command gives it.
    public func with(help: String) -> Flag { Flag(name, help: help) }
}
