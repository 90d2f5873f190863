/// One option as one command declares it: whether it is required or repeatable there, and how to
/// check its text before the command runs, whatever the option's value type.
public struct OptionDeclaration: OptionDeclaring {
    public let name: String
    public let valueName: String
    public let help: String
    public let isRequired: Bool
    public let isRepeatable: Bool
    /// Parses the text and throws what `Option.parse` would, without the option's name.
    let check: @Sendable (String) throws(ValidationError) -> Void

    public var declaration: OptionDeclaration { self }
}
