/// One option that takes a value, e.g. `--seats <n>`: its name, the placeholder and help shown in
/// usage, and how its text becomes a `Value`.
///
/// Declare each option once, as a `static let`, and use that value in the command's spec, in its
/// help and when reading the parsed arguments: the name is then written in exactly one place, and a
/// renamed option cannot leave a stale spelling behind.
public struct Option<Value>: Sendable {
    public let name: String
    /// The placeholder in usage and help, e.g. `n` in `--seats <n>`.
    public let valueName: String
    public let help: String
    private let parser: @Sendable (String) throws(ValidationError) -> Value

    /// `parse` throws a message without the option's name ("must be positive"); the name is put in front.
    public init(_ name: String, value valueName: String, help: String,
                parse: @escaping @Sendable (String) throws(ValidationError) -> Value) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.parser = parse
    }

    /// The value of `text`, or an error naming this option.
    public func parse(_ text: String) throws(ValidationError) -> Value {
        do {
            return try parser(text)
        } catch {
            throw ValidationError("--\(name) \(error.message)", code: error.code)
        }
    }

    /// The same option with the help (and placeholder) a particular command gives it: `--dir` is a
    /// node for one command and a machine wallet for another. The name and parsing stay shared.
    public func with(value valueName: String? = nil, help: String) -> Option {
        Option(name, value: valueName ?? self.valueName, help: help, parse: parser)
    }

    /// This option in a spec, to be given exactly once.
    public var required: OptionDeclaration { declaration(required: true, repeatable: false) }

    /// This option in a spec, to be given any number of times; read it with `values(_:)`.
    public var repeatable: OptionDeclaration { declaration(required: false, repeatable: true) }

    private func declaration(required: Bool, repeatable: Bool) -> OptionDeclaration {
        let parser = self.parser
        return OptionDeclaration(name: name, valueName: valueName, help: help, isRequired: required, isRepeatable: repeatable) {
            text throws(ValidationError) in _ = try parser(text)
        }
    }
}

extension Option: OptionDeclaring {
    /// An option given in a spec as is: optional, at most once.
    public var declaration: OptionDeclaration { declaration(required: false, repeatable: false) }
}
