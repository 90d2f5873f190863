import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateWire

/// An orders file (`issue --orders`, `renew --orders`): CSV with a header row whose columns mirror
/// the single command's options, one order a row. Every row is read and checked before anything is
/// sent, so a malformed file issues nothing and its error names the line and column.
enum OrdersFile {
    /// `issue --orders`: the columns every row fills, then those it may.
    static let saleColumns = ["order", "customer", "country", "product", "model", "price"]
    static let optionalSaleColumns = ["seats", "territory", "features", "tier", "days", "until", "from"]
    /// `renew --orders`.
    static let renewalColumns = ["order", "license"]
    static let optionalRenewalColumns = ["days", "until", "price"]

    /// The sales of the file at `path`, with the line each row starts on.
    static func sales(at path: String) throws -> [(line: Int, request: LicenseRequest)] {
        let document = try read(path, required: saleColumns, allowed: saleColumns + optionalSaleColumns)
        return try rows(of: document, in: path) { record throws(CSVError) in
            let field = Fields(record: record)
            var request = LicenseRequest(customer: try field.required("customer"), country: try field.required("country"),
                                         product: try field.required("product"), model: try field.required("model"),
                                         price: try field.parsed(field.required("price"), "price", PriceArgument.parse))
            request.order = try field.order()
            if let seats = try field.parsed("seats", { text throws(ValidationError) in
                guard let count = UInt64(text), (1...ObjectLimits.maxLicenseSeats).contains(count) else {
                    throw ValidationError("'\(text)' is not a seat count from 1 to \(ObjectLimits.maxLicenseSeats)")
                }
                return count
            }) { request.seatCount = seats }
            request.territory = field.list("territory")
            request.features = field.list("features")
            request.tier = record.value("tier")
            request.certificateHash = record.value("from")
            (request.days, request.exp) = try field.term()
            return (record.line, request)
        }
    }

    /// The renewals of the file at `path`, with the line each row starts on.
    static func renewals(at path: String) throws -> [(line: Int, request: RenewalRequest)] {
        let document = try read(path, required: renewalColumns, allowed: renewalColumns + optionalRenewalColumns)
        return try rows(of: document, in: path) { record throws(CSVError) in
            let field = Fields(record: record)
            var request = RenewalRequest(order: try field.order(), license: try field.required("license"))
            (request.days, request.exp) = try field.term()
            guard request.days != nil || request.exp != nil else {
                throw CSVError(.badValue, line: record.line, column: "days", "give the new end as days or until")
            }
            request.price = try field.parsed("price", PriceArgument.parse)
            return (record.line, request)
        }
    }

    /// Every record of `document` read by `row`; when some do not read, one error naming each bad line (at most 20).
    private static func rows<Request>(of document: CSVDocument, in path: String,
                                      _ row: (CSVDocument.Record) throws(CSVError) -> (line: Int, request: Request)) throws -> [(line: Int, request: Request)] {
        var rows: [(line: Int, request: Request)] = [], errors: [CSVError] = []
        for record in document.records {
            do {
                rows.append(try row(record))
            } catch {
                errors.append(error)
            }
        }
        guard errors.isEmpty else {
            let shown = errors.prefix(20).map { "  \(path): \($0)" } + (errors.count > 20 ? ["  … and \(errors.count - 20) more"] : [])
            throw CommandFailure("\(errors.count) row(s) of the orders file do not read, so nothing was sent:\n" + shown.joined(separator: "\n"),
                                 exitCode: .usage)
        }
        return rows
    }

    private static func read(_ path: String, required: [String], allowed: [String]) throws -> CSVDocument {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot read the orders file \(path) as UTF-8 text: \(error.localizedDescription)", exitCode: .usage)
        }
        do {
            let document = try CSVDocument(parsing: text, required: required, allowed: allowed)
            guard !document.records.isEmpty else { throw CSVError(.badValue, line: 2, "the file has a header but no orders") }
            return document
        } catch {
            throw CommandFailure("\(path): \(error)", exitCode: .usage)
        }
    }

    /// One record's fields, each parsed or refused naming its line and column.
    private struct Fields {
        let record: CSVDocument.Record

        func required(_ column: String) throws(CSVError) -> String {
            guard let text = record.value(column) else { throw CSVError(.badValue, line: record.line, column: column, "empty; every row needs its \(column)") }
            return text
        }

        func parsed<Value>(_ column: String, _ parse: (String) throws(ValidationError) -> Value) throws(CSVError) -> Value? {
            guard let text = record.value(column) else { return nil }
            return try parsed(text, column, parse)
        }

        func parsed<Value>(_ text: String, _ column: String, _ parse: (String) throws(ValidationError) -> Value) throws(CSVError) -> Value {
            do {
                return try parse(text)
            } catch {
                throw CSVError(.badValue, line: record.line, column: column, error.description)
            }
        }

        func order() throws(CSVError) -> String {
            let id = try required("order")
            if let problem = OrderID.problem(id) { throw CSVError(.badValue, line: record.line, column: "order", problem) }
            return id
        }

        func list(_ column: String) -> [String]? {
            record.value(column).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        }

        /// `days` (from the time the node issues it, so a retry keeps the terms) or `until`, not both.
        func term() throws(CSVError) -> (days: Int64?, exp: Int64?) {
            let days = try parsed("days") { text throws(ValidationError) in
                guard let days = Int64(text), (1...365_000).contains(days) else { throw ValidationError("'\(text)' is not a number of days from 1 to 365000") }
                return days
            }
            let until = try parsed("until", TimeArgument.instant)
            if days != nil, until != nil { throw CSVError(.badValue, line: record.line, column: "until", "give days or until, not both") }
            return (days, until)
        }
    }
}
