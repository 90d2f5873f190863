import Dispatch
import Synchronization
import TollgateCertificates
import TollgateWire

/// Bulk issues and renewals by the seller's order id. Every row is checked first (its order id,
/// a repeat of an order in the batch or one recorded before, the sale's or renewal's rules): if any
/// row is bad, nothing is issued and `batch_refused` names every bad row. Then the new orders are
/// signed and recorded in one transaction, the sales through the same planning and recording as
/// single sales. An order recorded before with the same terms is answered `existing`, its license
/// as issued then; a row repeating an order of the batch with the same terms gets that row's outcome.
struct OrderBatch: NodePart {
    let context: NodeContext
    let sales: SalePlanner
    let renewals: Renewals
    let book: OrderBook

    /// See ``LicensingNode/issueOrders(_:at:)``.
    func issue(_ requests: [LicenseRequest], at now: Int64) throws(NodeError) -> [OrderOutcome] {
        try checkSize(requests.count)
        var rows = OrderRows(count: requests.count)
        var fresh: [(row: Int, request: LicenseRequest)] = []
        for (index, request) in requests.enumerated() {
            let row = index + 1
            let order: OrderTerms
            do throws(NodeError) {
                guard let made = try OrderTerms(request) else { throw NodeError(.invalidRequest, "every row of a bulk issue needs an order id") }
                order = made
            } catch {
                try rows.refuse(row, order: request.order, error, field: "order")
                continue
            }
            do throws(NodeError) {
                if try rows.admit(order, row: row, kind: .issue, book: book) { fresh.append((row, request)) }
            } catch {
                try rows.refuse(row, order: request.order, error)
            }
        }
        let planned = sales.planIssues(fresh.map { ($0.request, now) }, behind: [])
        var plans: [(row: Int, plan: LicensePlan)] = []
        for (item, plan) in zip(fresh, planned) {
            switch plan {
            case .success(let made): plans.append((item.row, made))
            case .failure(let refusal): try rows.refuse(item.row, order: item.request.order, refusal)
            }
        }
        try rows.throwIfRefused(what: "issue")
        let signatures = try sign(plans.map(\.plan))
        let files = try sales.record(Array(zip(plans.map(\.plan), signatures)))
        for ((row, plan), (file, signed)) in zip(plans, zip(files, signatures)) {
            rows.fill(row, OrderOutcome(row: row, order: plan.order?.id ?? "", status: .issued, license: signed.hash, seats: plan.payload.seats, file: file))
        }
        return rows.outcomes()
    }

    /// See ``LicensingNode/renewOrders(_:at:resolve:)``.
    func renew(_ requests: [RenewalRequest], at now: Int64, resolve: (String) throws(NodeError) -> String) throws(NodeError) -> [OrderOutcome] {
        try checkSize(requests.count)
        var rows = OrderRows(count: requests.count)
        var fresh: [(row: Int, order: OrderTerms, payload: License, held: HeldCertificate)] = []
        var renewedLineages: [String: Int] = [:]
        for (index, request) in requests.enumerated() {
            let row = index + 1
            do {
                guard let id = request.order else {
                    throw RowFailure(field: "order", error: NodeError(.invalidRequest, "every row of a bulk renewal needs an order id"))
                }
                let hash: String
                do throws(NodeError) {
                    hash = try resolve(request.license)
                } catch {
                    throw RowFailure(field: "license", error: error)
                }
                var terms = request
                terms.order = nil
                terms.license = hash
                let order: OrderTerms
                do throws(NodeError) {
                    order = try OrderTerms(id: id, terms: terms)
                } catch {
                    throw RowFailure(field: "order", error: error)
                }
                guard try rows.admit(order, row: row, kind: .renewal, book: book) else { continue }
                let exp: Int64
                switch (request.exp, request.days) {
                case (let end?, nil): exp = end
                case (nil, let days?):
                    guard (1...SalePlanner.maxDays).contains(days) else {
                        throw RowFailure(field: "days", error: NodeError(.invalidRequest, "days must be 1 to \(SalePlanner.maxDays), got \(days)"))
                    }
                    exp = now + days * 86_400
                default:
                    throw RowFailure(field: "days", error: NodeError(.invalidRequest, "a renewal gives its new end as exp or as days, one of the two"))
                }
                let (payload, held) = try renewals.plan(licenseHash: hash, exp: exp, price: request.price, at: now)
                let lineage = payload.renews ?? hash
                if let earlier = renewedLineages[lineage] {
                    throw RowFailure(field: "license", error: NodeError(.invalidRequest, "license \(HashID.short(lineage)) is renewed by row \(earlier) already; "
                                                                                         + "renew it once a batch"))
                }
                renewedLineages[lineage] = row
                fresh.append((row, order, payload, held))
            } catch let failure as RowFailure {
                try rows.refuse(row, order: request.order, failure.error, field: failure.field)
            } catch let error as NodeError {
                try rows.refuse(row, order: request.order, error)
            } catch {
                try rows.refuse(row, order: request.order, NodeError(.invalidRequest, "\(error)"))
            }
        }
        try rows.throwIfRefused(what: "renew")
        let files = try storage {
            try store.transaction {
                try fresh.map { item in try renewals.record(item.payload, as: .licenseRenewed, under: item.held, at: now, order: item.order) }
            }
        }
        for (item, file) in zip(fresh, files) {
            rows.fill(item.row, OrderOutcome(row: item.row, order: item.order.id, status: .issued, license: JWS.hash(of: file.license),
                                             seats: item.payload.seats, file: file))
        }
        return rows.outcomes()
    }

    private func checkSize(_ count: Int) throws(NodeError) {
        guard count > 0 else { throw NodeError(.invalidRequest, "a bulk call needs at least one row") }
        guard count <= APIBodies.OrdersBody.maxRows else {
            throw NodeError(.invalidRequest, "a bulk call takes at most \(APIBodies.OrdersBody.maxRows) rows, got \(count); send the rest in another")
        }
    }

    /// Signs `plans` on every core, in their order.
    private func sign(_ plans: [LicensePlan]) throws(NodeError) -> [SignedLicense] {
        let key = identity.key, record = store.verifiedSignatures.objects
        let results = Mutex<[Result<SignedLicense, NodeError>?]>(Array(repeating: nil, count: plans.count))
        DispatchQueue.concurrentPerform(iterations: plans.count) { index in
            let result = Result { () throws(NodeError) in try plans[index].sign(with: key, recordingIn: record) }
            results.withLock { $0[index] = result }
        }
        return try results.withLock { $0 }.map { result throws(NodeError) in
            try (result ?? .failure(NodeError(.storage, "a license was not signed"))).get()
        }
    }
}

/// A row's refusal with the field it is about, where the node error alone does not say.
private struct RowFailure: Error {
    let field: String
    let error: NodeError
}
