import Foundation
import TollgateCommandLine

/// The one style of every `--json` output: snake_case keys, sorted, pretty-printed, slashes as is;
/// times as Unix seconds and amounts as integers in minor units, as on the wire. Bodies the node
/// answers with keep their wire keys (some are camelCase, e.g. a report's `generatedAt`); here they
/// become `generated_at`, so a script reads every command's output the same way.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .custom { path in SnakeCaseKey(path.last?.stringValue ?? "") }
        Console.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A property name in camelCase becomes snake_case. Only names that look like Swift properties
    /// change (lowercase first, short, letters and digits): the strategy also sees dictionary keys,
    /// and currency codes (`EUR`), product ids (`cad-pro`) and key ids must pass unchanged.
    struct SnakeCaseKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ name: String) {
            let isProperty = name.count <= 32 && name.first?.isLowercase == true && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            stringValue = isProperty ? name.reduce(into: "") { text, character in
                text += character.isUppercase ? "_" + character.lowercased() : String(character)
            } : name
        }

        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }
}
