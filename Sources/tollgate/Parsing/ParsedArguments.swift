/// The arguments of one command, checked against its `CommandSpec`.
struct ParsedArguments {
    private(set) var options: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []
    let spec: CommandSpec

    init(_ arguments: [String], spec: CommandSpec) throws(ValidationError) {
        self.spec = spec
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if spec.flags.contains(where: { $0.name == name }) {
                guard inlineValue == nil else { throw ValidationError("--\(name) takes no value") }
                flags.insert(name)
            } else if let option = spec.options.first(where: { $0.name == name }) {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw ValidationError("--\(name) needs a value <\(option.value)>") }
                    value = arguments[index]
                    index += 1
                }
                if !option.repeatable && options[name] != nil {
                    throw ValidationError("--\(name) was given more than once")
                }
                options[name, default: []].append(value)
            } else {
                throw ValidationError("unknown option '--\(name)' for 'tollgate \(spec.name)'")
            }
        }
        for option in spec.options where option.required && options[option.name] == nil {
            throw ValidationError("missing --\(option.name) <\(option.value)>")
        }
        let required = spec.positionals.filter { !$0.optional }.count
        guard positionals.count >= required else {
            throw ValidationError("missing <\(spec.positionals[positionals.count].name)>")
        }
        guard positionals.count <= spec.positionals.count else {
            throw ValidationError("unexpected argument '\(positionals[spec.positionals.count])'")
        }
    }

    func value(_ name: String) -> String? { options[name]?.last }
    func values(_ name: String) -> [String] { options[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }
    func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    func required(_ name: String) throws(ValidationError) -> String {
        guard let value = value(name) else { throw ValidationError("missing --\(name)") }
        return value
    }

    func integer(_ name: String) throws(ValidationError) -> Int64? {
        guard let text = value(name) else { return nil }
        guard let value = Int64(text) else { throw ValidationError("--\(name) must be an integer, got '\(text)'") }
        return value
    }

    /// A comma-separated list, e.g. `--countries DE,AT`.
    func list(_ name: String) -> [String]? {
        value(name).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

import Foundation
