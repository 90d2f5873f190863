import Foundation

/// A CSV file read by RFC 4180, as users' spreadsheets write it: a header row naming the columns,
/// then one record per row. Fields may be quoted, and a quoted field may hold commas, line breaks
/// and doubled quotes. Lines end with CRLF or LF; a byte order mark at the start and empty lines
/// are skipped. Anything else (a bare quote in an unquoted field, text after a closing quote, a
/// record with more or fewer fields than the header) is a ``CSVError`` naming its line and column.
public struct CSVDocument: Sendable, Hashable {
    /// One record: the line it starts on (from 1) and its fields by column name.
    public struct Record: Sendable, Hashable {
        public let line: Int
        public let fields: [String: String]

        /// The field of `column`, nil when it is empty or the file has no such column.
        public func value(_ column: String) -> String? {
            guard let text = fields[column], !text.isEmpty else { return nil }
            return text
        }
    }

    /// The header's column names, in order, without surrounding spaces.
    public let columns: [String]
    public let records: [Record]

    /// Reads `text`, whose header must name every column of `required` and no column outside `allowed`.
    public init(parsing text: String, required: [String] = [], allowed: [String]? = nil) throws(CSVError) {
        let rows = try Self.rows(text)
        guard let header = rows.first else { throw CSVError(.badHeader, line: 1, "the file is empty; it needs a header row naming its columns") }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for name in columns {
            guard !name.isEmpty else { throw CSVError(.badHeader, line: header.line, "the header has an empty column name") }
            guard seen.insert(name).inserted else { throw CSVError(.badHeader, line: header.line, column: name, "the header names column '\(name)' twice") }
            if let allowed, !allowed.contains(name) {
                throw CSVError(.badHeader, line: header.line, column: name, "unknown column '\(name)'; the columns are \(allowed.joined(separator: ", "))")
            }
        }
        if let missing = required.first(where: { !seen.contains($0) }) {
            throw CSVError(.badHeader, line: header.line, column: missing, "the header has no column '\(missing)', which every row needs")
        }
        self.columns = columns
        records = try rows.dropFirst().map { row throws(CSVError) in
            guard row.fields.count == columns.count else {
                let column = row.fields.count < columns.count ? columns[row.fields.count] : nil
                throw CSVError(.fieldCount, line: row.line, column: column,
                               "the row has \(row.fields.count) field(s), the header \(columns.count)"
                               + (column.map { "; column '\($0)' is missing" } ?? ""))
            }
            return Record(line: row.line, fields: Dictionary(zip(columns, row.fields), uniquingKeysWith: { first, _ in first }))
        }
    }

    /// The records of `text` with the line each starts on, empty lines left out.
    static func rows(_ text: String) throws(CSVError) -> [(line: Int, fields: [String])] {
        var scalars = Array(text.unicodeScalars)[...]
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = [], field = String.UnicodeScalarView()
        var line = 1, recordLine = 1, quoted = false, wasQuoted = false
        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            wasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((recordLine, fields)) }
            fields = []
        }
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.append("\"")
                    } else {
                        quoted = false
                        if let next = scalars.first, next != ",", next != "\r", next != "\n" {
                            throw CSVError(.badQuoting, line: line, column: "\(fields.count + 1)", "text after the closing quote of a quoted field")
                        }
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty, !wasQuoted else {
                    throw CSVError(.badQuoting, line: line, column: "\(fields.count + 1)",
                                   "a quote inside an unquoted field; quote the whole field and double the quotes in it")
                }
                quoted = true
                wasQuoted = true
            case ",":
                endField()
            case "\r", "\n":
                if scalar == "\r", scalars.first == "\n" { scalars.removeFirst() }
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(scalar)
            }
        }
        guard !quoted else { throw CSVError(.badQuoting, line: recordLine, column: "\(fields.count + 1)", "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return rows
    }
}
