/// A strict RFC 4180 reader for tests: the records of a CSV text, so a test checks that what
/// `CSVTable` wrote reads back field for field. Quoted fields may hold commas, CRLF and doubled
/// quotes; records end with CRLF. Anything else (a bare quote inside an unquoted field, text after
/// a closing quote, a lone LF) is an error rather than a guess.
public enum CSVRecords {
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var characters = Array(text)[...]
        var quoted = false, wasQuoted = false
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { characters.removeFirst(); field.append("\"") } else { quoted = false }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                guard field.isEmpty, !wasQuoted else { throw Malformed(description: "a quote inside an unquoted field: \(field)") }
                quoted = true
                wasQuoted = true
            case ",":
                record.append(field)
                field = ""
                wasQuoted = false
            case "\r\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                wasQuoted = false
            default:
                guard !wasQuoted else { throw Malformed(description: "text after a closing quote: \(character)") }
                guard character != "\n", character != "\r" else { throw Malformed(description: "a line break that is not CRLF outside quotes") }
                field.append(character)
            }
        }
        guard !quoted else { throw Malformed(description: "an unterminated quoted field") }
        guard record.isEmpty, field.isEmpty else { throw Malformed(description: "the last record does not end with CRLF") }
        return records
    }
}
