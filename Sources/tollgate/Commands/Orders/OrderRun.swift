import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateWire

/// Sends an orders file's rows to the node in calls of at most ``APIBodies/OrdersBody/maxRows``,
/// each all or none, and prints one result row per order: its file line, order id, license id,
/// serials and status (issued, existing or error). A refused call stops the run: its bad rows are
/// printed with their line, field and code, nothing of that call is issued, and the calls before it
/// stay issued, so running the fixed file again issues only the rest.
struct OrderRun<Request: Encodable & Sendable> {
    /// One result row, as `--json` prints it.
    struct Line: Encodable {
        var line: Int
        var order: String
        var status: String
        var license: String?
        var seats: String?
        var field: String?
        var code: String?
        var reason: String?
    }

    enum Format {
        case table, json, csv
    }

    let rows: [(line: Int, request: Request)]
    let order: (Request) -> String
    let endpoint: Endpoint
    let body: ([Request]) -> any Encodable
    let local: (LicensingNode, [Request]) throws(NodeError) -> [OrderOutcome]

    /// Runs every call on `target` and prints the results in `format`, writing each license file
    /// into `directory` when given (`<order>.license`; one already there with the same bytes is kept).
    func run(on target: NodeTarget, format: Format, writingInto directory: URL?) throws -> ExitCode {
        var lines: [Line] = []
        var refused = false
        let send: ([Request]) throws -> [OrderOutcome]
        switch target {
        case .local(let directory):
            let node = try directory.open()
            send = { requests in
                do throws(NodeError) {
                    return try local(node, requests)
                } catch {
                    if let rows = error.rows { throw BatchRefused(rows: rows) }
                    throw Refusal.failure(for: error)
                }
            }
        case .remote(let client):
            send = { requests in
                let answer: APIBodies.OrderResultsBody = try client.call(endpoint, body: body(requests))
                return answer.results
            }
        }
        var start = rows.startIndex
        while start < rows.endIndex {
            let chunk = rows[start..<min(start + APIBodies.OrdersBody.maxRows, rows.endIndex)]
            start = chunk.endIndex
            do {
                let outcomes = try send(chunk.map(\.request))
                for outcome in outcomes {
                    let line = chunk[chunk.startIndex + outcome.row - 1].line
                    if let directory { try write(outcome, into: directory) }
                    lines.append(Line(line: line, order: outcome.order, status: outcome.status.rawValue, license: outcome.license,
                                      seats: outcome.seats.description))
                }
            } catch let refusal as BatchRefused {
                for row in refusal.rows where (1...chunk.count).contains(row.row) {
                    let item = chunk[chunk.startIndex + row.row - 1]
                    lines.append(Line(line: item.line, order: row.order ?? order(item.request), status: "error", field: row.field,
                                      code: row.code, reason: Refusal.withoutRule(row.code, row.reason)))
                }
                refused = true
                break
            }
        }
        try print(lines, format: format)
        let issued = lines.filter { $0.status == "issued" }.count, existing = lines.filter { $0.status == "existing" }.count
        if refused {
            let notSent = rows.count - lines.filter { $0.status != "error" }.count
            Console.error("the node refused \(lines.filter { $0.status == "error" }.count) row(s), so \(notSent) order(s) were not issued "
                          + "(\(issued) issued, \(existing) existing before them); fix the rows named and run the same file again")
            return .refused
        }
        Console.error("\(issued) issued, \(existing) existing")
        return .success
    }

    private func write(_ outcome: OrderOutcome, into directory: URL) throws {
        let url = directory.appendingPathComponent("\(outcome.order).license")
        let bytes = try outcome.file.encoded()
        if let held = try? Data(contentsOf: url) {
            guard held == bytes else { throw CommandFailure("\(url.path) already exists with another license; refusing to overwrite it") }
            return
        }
        try bytes.write(to: url, options: .withoutOverwriting)
    }

    private func print(_ lines: [Line], format: Format) throws {
        switch format {
        case .json:
            try JSONOutput.print(lines)
        case .csv:
            Console.write(CSVTable(columns: ["line", "order", "license", "serials", "status", "field", "code", "reason"], rows: lines.map {
                ["\($0.line)", $0.order, $0.license ?? "", $0.seats ?? "", $0.status, $0.field ?? "", $0.code ?? "", $0.reason ?? ""]
            }).text)
        case .table:
            let width = max(8, lines.map(\.order.count).max() ?? 0) + 2
            Console.print("  line".padding(to: 12) + "order".padding(to: width) + "license".padding(to: 14) + "serials".padding(to: 18) + "status")
            for line in lines {
                let id = line.license.map(HashID.short) ?? ""
                let detail = line.status == "error" ? "  " + (line.field.map { "\($0): " } ?? "") + "\(line.code ?? ""): \(line.reason ?? "")" : ""
                Console.print("  line \(line.line)".padding(to: 12) + line.order.padding(to: width) + id.padding(to: 14)
                              + (line.seats ?? "").padding(to: 18) + line.status + detail)
            }
        }
    }
}
