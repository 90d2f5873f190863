import Foundation

/// A table written as CSV by RFC 4180: a header row, then one record per row, CRLF after each.
///
/// Customer and node names are whatever a reseller typed, so a field holding a comma, a double
/// quote, CR or LF is quoted and its quotes doubled; every other field is written as is. A name
/// like `Muster, "GmbH"` comes back unchanged from any RFC 4180 reader.
public struct CSVTable: Sendable, Hashable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The CSV text, ending with CRLF.
    public var text: String {
        ([columns] + rows).map { record in record.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted when it must be.
    public static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
