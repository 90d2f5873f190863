/// A positional argument, e.g. `<license-file>`; arguments bind to a spec's positionals in order.
public struct Positional: Sendable {
    public let name: String
    public let help: String

    public init(_ name: String, help: String) {
        self.name = name
        self.help = help
    }
}
