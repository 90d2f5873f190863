/// A word that starts several commands' names, e.g. `machine` in `machine init` and `machine check`;
/// `<tool> machine --help` lists those commands under this abstract.
public struct CommandGroup: Sendable {
    /// The group's words, e.g. `machine`.
    public let name: String
    public let abstract: String

    public init(_ name: String, abstract: String) {
        self.name = name
        self.abstract = abstract
    }

    public var words: [String] { name.split(separator: " ").map(String.init) }
}
