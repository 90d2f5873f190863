import TollgateCertificates

/// The arguments of one command, checked against its `CommandSpec`: every option is declared, has
/// its value and parses, every required one is there, and the positionals fit, before the command
/// does anything.
public struct ParsedArguments: Sendable {
    public let spec: CommandSpec
    private var options: [String: [String]] = [:]
    private var flags: Set<String> = []
    private var positionals: [String: String] = [:]

    public init(_ arguments: [String], spec: CommandSpec) throws(ValidationError) {
        self.spec = spec
        var given: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                given.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if spec.declaresFlag(named: name) {
                guard inlineValue == nil else { throw ValidationError("--\(name) takes no value", code: .unexpectedValue) }
                flags.insert(name)
            } else if let option = spec.option(named: name) {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw ValidationError("--\(name) needs a value <\(option.valueName)>", code: .missingValue)
                    }
                    value = arguments[index]
                    index += 1
                }
                if !option.isRepeatable && options[name] != nil {
                    throw ValidationError("--\(name) was given more than once", code: .repeatedOption)
                }
                do {
                    try option.check(value)
                } catch {
                    throw ValidationError("--\(name) \(error.message)", code: error.code)
                }
                options[name, default: []].append(value)
            } else {
                let known = spec.options.map(\.name) + spec.flags.map(\.name)
                let closest = known.min { EditDistance.between(name, $0) < EditDistance.between(name, $1) }
                let hint = closest.flatMap { EditDistance.isClose(EditDistance.between(name, $0), to: name) ? "; did you mean '--\($0)'?" : nil }
                throw ValidationError("unknown option '--\(name)' for '\(spec.name)'\(hint ?? "")", code: .unknownOption)
            }
        }
        for option in spec.options where option.isRequired && options[option.name] == nil {
            throw ValidationError("missing --\(option.name) <\(option.valueName)>", code: .missingOption)
        }
        guard given.count >= spec.positionals.count else {
            throw ValidationError("missing <\(spec.positionals[given.count].name)>", code: .missingArgument)
        }
        guard given.count <= spec.positionals.count else {
            throw ValidationError("unexpected argument '\(given[spec.positionals.count])'", code: .unexpectedArgument)
        }
        for (positional, value) in zip(spec.positionals, given) { positionals[positional.name] = value }
    }

    /// The value of `option`, or nil when it was not given.
    public func value<Value>(_ option: Option<Value>) throws(ValidationError) -> Value? {
        try texts(option).last.map { text throws(ValidationError) in try option.parse(text) }
    }

    /// Every value of a repeatable `option`, in the order given.
    public func values<Value>(_ option: Option<Value>) throws(ValidationError) -> [Value] {
        var values: [Value] = []
        for text in texts(option) { values.append(try option.parse(text)) }
        return values
    }

    /// The value of an option the spec requires, or the error a missing one gets.
    public func required<Value>(_ option: Option<Value>) throws(ValidationError) -> Value {
        guard let value = try value(option) else {
            throw ValidationError("missing --\(option.name) <\(option.valueName)>", code: .missingOption)
        }
        return value
    }

    public func contains<Value>(_ option: Option<Value>) -> Bool { !texts(option).isEmpty }

    /// Whether the option declared as `name` was given, whatever its value's type.
    public func contains(named name: String) -> Bool {
        precondition(spec.option(named: name) != nil, "'\(spec.name)' reads --\(name) without declaring it")
        return !(options[name] ?? []).isEmpty
    }

    public func isSet(_ flag: Flag) -> Bool {
        precondition(spec.declaresFlag(named: flag.name), "'\(spec.name)' reads --\(flag.name) without declaring it")
        return flags.contains(flag.name)
    }

    /// The text of a positional argument; parsing guarantees every declared one is there.
    public func value(of positional: Positional) -> String {
        guard let value = positionals[positional.name] else {
            preconditionFailure("'\(spec.name)' reads <\(positional.name)> without declaring it")
        }
        return value
    }

    /// Reading an option the spec does not declare would silently find nothing: a mistake in the program.
    private func texts<Value>(_ option: Option<Value>) -> [String] {
        precondition(spec.option(named: option.name) != nil, "'\(spec.name)' reads --\(option.name) without declaring it")
        return options[option.name] ?? []
    }
}
