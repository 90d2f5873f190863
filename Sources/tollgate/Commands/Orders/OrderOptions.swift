import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateWire

/// The options `issue` and `renew` share for orders: one order id, an orders file, where its
/// license files go and how its results print; and one order sent as a bulk call of one row.
enum OrderOptions {
    static let order = Option<String>("order", value: "id", help: "The seller's order id (1-64 of A-Z a-z 0-9 . _ : -): a retry returns the same license.") {
        text throws(ValidationError) in
        if let problem = OrderID.problem(text) { throw ValidationError(problem) }
        return text
    }
    static let orders = Option<String>("orders", value: "file.csv", help: "A CSV file of orders with a header row; one result row per order.")
    static let outDir = Option<String>("out-dir", value: "directory", help: "With --orders: write each order's license file there as <order>.license.")
    static let csv = Flag("csv", help: "With --orders: print the results as CSV (RFC 4180, header row).")

    static func format<Request>(_ arguments: ParsedArguments) throws(ValidationError) -> OrderRun<Request>.Format {
        switch (arguments.isSet(CommonOptions.json), arguments.isSet(csv)) {
        case (true, true): throw ValidationError("give --\(CommonOptions.json.name) or --\(csv.name), not both", code: .conflictingOptions)
        case (true, false): return .json
        case (false, true): return .csv
        case (false, false): return .table
        }
    }

    /// The `--out-dir` directory, made if it does not exist.
    static func directory(_ arguments: ParsedArguments) throws -> URL? {
        guard let path = try arguments.value(outDir) else { return nil }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// One order sent as a bulk call of one row; a refusal reads as that row's own, not the batch's.
    static func single(on target: NodeTarget, endpoint: Endpoint, body: any Encodable,
                       local: (LicensingNode) throws(NodeError) -> [OrderOutcome]) throws -> OrderOutcome {
        let outcomes: [OrderOutcome]
        do {
            switch target {
            case .local(let directory):
                let node = try directory.open()
                do {
                    outcomes = try local(node)
                } catch {
                    if let rows = error.rows { throw BatchRefused(rows: rows) }
                    throw Refusal.failure(for: error)
                }
            case .remote(let client):
                let answer: APIBodies.OrderResultsBody = try client.call(endpoint, body: body)
                outcomes = answer.results
            }
        } catch let refusal as BatchRefused {
            guard let row = refusal.rows.first else { throw CommandFailure("the node refused the order without naming why") }
            throw Refusal.failure(code: row.code, detail: (row.field.map { "\($0): " } ?? "") + row.reason)
        }
        guard let outcome = outcomes.first else { throw CommandFailure("the node answered no outcome for the order") }
        return outcome
    }

    /// Writes `file` to `out`; a file already there with the same bytes (the order's license, from a
    /// run before) is kept, any other is not overwritten.
    static func write(_ file: LicenseFile, to out: URL) throws {
        let bytes = try file.encoded()
        if let held = try? Data(contentsOf: out) {
            guard held == bytes else { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
            return
        }
        try bytes.write(to: out, options: .withoutOverwriting)
    }
}
