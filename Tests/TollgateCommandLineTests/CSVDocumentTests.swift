import Testing
import TollgateCommandLine

/// Reading users' CSV files (orders files): RFC 4180 quoting, CRLF or LF, a byte order mark, empty
/// lines, and an error naming the line and column of anything malformed.
@Suite struct CSVDocumentTests {
    func error(_ text: String, required: [String] = [], allowed: [String]? = nil) -> CSVError? {
        do {
            _ = try CSVDocument(parsing: text, required: required, allowed: allowed)
            return nil
        } catch {
            return error
        }
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let text = "order,customer,territory\r\nA-1,\"Muster, \"\"Best\"\" GmbH\",\"DE,AT\"\r\nA-2,\"two\r\nlines\",DE\r\nA-3,,\"\"\r\n"
        let document = try CSVDocument(parsing: text)
        #expect(document.columns == ["order", "customer", "territory"])
        #expect(document.records.map(\.line) == [2, 3, 5])
        #expect(document.records[0].fields == ["order": "A-1", "customer": "Muster, \"Best\" GmbH", "territory": "DE,AT"])
        #expect(document.records[1].value("customer") == "two\r\nlines")
        #expect(document.records[2].value("customer") == nil)
        #expect(document.records[2].value("territory") == nil)
    }

    @Test func lineEndingsByteOrderMarkAndEmptyLines() throws {
        let lf = try CSVDocument(parsing: "\u{FEFF}order, customer \n\nA-1,Muster\n\n\nA-2,Beta")
        #expect(lf.columns == ["order", "customer"])
        #expect(lf.records.map(\.line) == [3, 6])
        #expect(lf.records.map { $0.value("customer") } == ["Muster", "Beta"])
        let crlf = try CSVDocument(parsing: "\u{FEFF}order,customer\r\n\r\nA-1,Muster\r\nA-2,Beta\r\n")
        #expect(crlf.records.map { $0.fields } == lf.records.map { $0.fields })
        #expect(crlf.records.map(\.line) == [3, 4])
    }

    @Test func malformedQuotingNamesTheLine() {
        #expect(error("a,b\r\nx,y\"z\r\n")?.code == .badQuoting)
        #expect(error("a,b\r\nx,y\"z\r\n")?.line == 2)
        #expect(error("a,b\nx,\"y\"z\n")?.code == .badQuoting)
        let open = error("a,b\nx,y\nx,\"never closed\n")
        #expect(open?.code == .badQuoting)
        #expect(open?.line == 3)
    }

    @Test func aMissingColumnOrFieldIsNamed() {
        let short = error("order,customer,price\nA-1,Muster,EUR:1.00\nA-2,Beta\n")
        #expect(short?.code == .fieldCount)
        #expect(short?.line == 3)
        #expect(short?.column == "price")
        #expect(error("order,customer\nA-1,Muster,extra\n")?.code == .fieldCount)
        let required = error("order,customer\nA-1,Muster\n", required: ["order", "customer", "price"])
        #expect(required?.code == .badHeader)
        #expect(required?.column == "price")
        #expect(error("order,custmer\n", allowed: ["order", "customer"])?.column == "custmer")
        #expect(error("order,order\n")?.code == .badHeader)
        #expect(error("")?.code == .badHeader)
    }
}
