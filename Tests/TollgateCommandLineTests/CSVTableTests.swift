import Testing
import TollgateCommandLine
import TollgateTestSupport

/// `--csv` output: RFC 4180, so a customer name with a comma, a quote or a line break reads back
/// unchanged, and plain fields are written as they are.
@Suite struct CSVTableTests {
    @Test func awkwardFieldsRoundTrip() throws {
        let names = ["Muster, GmbH", "The \"Best\" AG", "two\r\nlines", "new\nline", "plain", "", "\"", ",", "émigré 株式会社", "=SUM(A1)"]
        let table = CSVTable(columns: ["customer", "count"], rows: names.enumerated().map { [$0.element, "\($0.offset)"] })
        let records = try CSVRecords.parse(table.text)
        #expect(records == [table.columns] + table.rows)
    }

    @Test func onlyFieldsThatNeedItAreQuoted() {
        let table = CSVTable(columns: ["a", "b"], rows: [["x y", "Muster, \"GmbH\""]])
        #expect(table.text == "a,b\r\nx y,\"Muster, \"\"GmbH\"\"\"\r\n")
        #expect(CSVTable.field("plain") == "plain")
        #expect(CSVTable.field("a\rb") == "\"a\rb\"")
    }

    @Test func theReaderRefusesWhatIsNotRFC4180() {
        #expect(throws: CSVRecords.Malformed.self) { try CSVRecords.parse("a\"b\r\n") }
        #expect(throws: CSVRecords.Malformed.self) { try CSVRecords.parse("\"a\"b\r\n") }
        #expect(throws: CSVRecords.Malformed.self) { try CSVRecords.parse("a\nb\r\n") }
        #expect(throws: CSVRecords.Malformed.self) { try CSVRecords.parse("\"open\r\n") }
    }
}
