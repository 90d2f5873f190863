import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateWire

/// `tollgate issue`: sell a license under a certificate this node holds.
enum IssueCommand: Command {
    static let spec = CommandSpec(
        name: "issue",
        abstract: "Issue a license file for a customer under a certificate this node holds.",
        discussion: """
            Serials come from the certificate's range and are never handed out twice; the sale is logged in the node's store.
            The vendor sells directly the same way, under a certificate its root delegates to itself first
            ('tollgate delegate --to-self', which sets the root's own floors, countries and products).
            With --order ID a retry is safe: an order already issued with the same terms gets its license back and issues nothing.
            --orders FILE issues a CSV file of orders (header: order,customer,country,product,model,price and any of
            seats,territory,features,tier,days,until,from), each batch of up to 500 all or none, one result row per order;
            running the file again issues only the orders not issued yet.
            """,
        options: [
            CommonOptions.customer.with(help: "The customer (required without --orders)."),
            CommonOptions.country.with(help: "Country of sale (required without --orders)."),
            CommonOptions.product.with(help: "The product (required without --orders)."),
            model,
            CommonOptions.price.with(help: "Price per seat, e.g. EUR:49.00 (required without --orders)."),
            CommonOptions.out.with(help: "Where to write the license file (required without --orders)."),
            OrderOptions.order,
            OrderOptions.orders,
            OrderOptions.outDir,
            seats,
            territory,
            features,
            tier,
            warnDays,
            graceDays,
            then,
            lease,
            borrow,
            CommonOptions.days.with(help: "Term of a subscription or trial, in days."),
            CommonOptions.exp,
            CommonOptions.from,
        ] + MeteringArguments.options + NodeTarget.options,
        flags: [CommonOptions.json.with(help: "With --orders: print the results as JSON."), OrderOptions.csv])

    static let model = Option<String>("model", value: "model", help: "perpetual, subscription, trial, ... (required without --orders)")
    static let seats = Option<UInt64>("seats", value: "n", help: "Machines that may be active at once (default 1).", range: 1...UInt64.max)
    static let territory = Option<[String]>("territory", value: "DE,AT,...", help: "Where it may be activated (default: the country of sale).")
    static let features = Option<[String]>("features", value: "a,b,...", help: "Features (default: the tier's, else all the certificate allows).")
    static let tier = Option<String>("tier", value: "name", help: "A tier of the product in the certificate; the license gets its features.")
    static let warnDays = Option<Int64>("warn-days", value: "n", help: "Days before exp in which the license reads as expiring (default 0).",
                                        range: 0...ExpiryBehaviour.maxDays)
    static let graceDays = Option<Int64>("grace-days", value: "n", help: "Days after exp with every feature still enabled (default 0).",
                                         range: 0...ExpiryBehaviour.maxDays)
    static let then = Option<ExpiryBehaviour.Ending>("then", value: "lock|downgrade:TIER",
                                                     help: "After the grace period: stop (lock, the default) or keep the features of a tier.") {
        text throws(ValidationError) in
        if text == ExpiryBehaviour.lockWord { return .lock }
        let prefix = ExpiryBehaviour.downgradeWord + ":"
        if text.hasPrefix(prefix), text.count > prefix.count { return .downgrade(tier: String(text.dropFirst(prefix.count))) }
        throw ValidationError("must be one of lock, downgrade:TIER, got '\(text)'")
    }

    static let lease = Option<Int64>.duration("lease", help: "Model floating: the lease length sold, e.g. 15m (default: the certificate's).")
    static let borrow = Option<Int64>("borrow", value: "duration", help: "Model floating, with --lease: the longest borrow sold, e.g. 3d (default 0: none).") { text throws(ValidationError) in
        text == "0" ? 0 : try TimeArgument.duration(text)
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        if let file = try arguments.value(OrderOptions.orders) {
            let single: [any OptionDeclaring] = [CommonOptions.customer, CommonOptions.country, CommonOptions.product, model, CommonOptions.price,
                                                 CommonOptions.out, OrderOptions.order, seats, territory, features, tier, CommonOptions.days,
                                                 CommonOptions.exp, CommonOptions.from]
            if let given = single.first(where: { arguments.contains(named: $0.declaration.name) }) {
                throw ValidationError("--\(OrderOptions.orders.name) takes each order's terms from the file; drop --\(given.declaration.name)",
                                      code: .conflictingOptions)
            }
            let run = OrderRun(rows: try OrdersFile.sales(at: file), order: { $0.order ?? "" }, endpoint: .issueOrders,
                               body: { APIBodies.OrdersBody(orders: $0) }, local: { node, requests throws(NodeError) in
                                   try node.issueOrders(requests, at: TimeArgument.now)
                               })
            return try run.run(on: target, format: try OrderOptions.format(arguments), writingInto: try OrderOptions.directory(arguments))
        }
        let out = URL(fileURLWithPath: try arguments.required(CommonOptions.out))
        let orderID = try arguments.value(OrderOptions.order)
        if orderID == nil, FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let now = TimeArgument.now
        var request = LicenseRequest(customer: try arguments.required(CommonOptions.customer), country: try arguments.required(CommonOptions.country),
                                     product: try arguments.required(CommonOptions.product), model: try arguments.required(model),
                                     price: try arguments.required(CommonOptions.price))
        if let seats = try arguments.value(Self.seats) { request.seatCount = seats }
        request.territory = try arguments.value(territory)
        request.features = try arguments.value(features)
        request.tier = try arguments.value(tier)
        let warn = try arguments.value(warnDays), grace = try arguments.value(graceDays), ending = try arguments.value(then)
        if warn != nil || grace != nil || ending != nil {
            request.expiry = ExpiryBehaviour(warnDays: warn ?? 0, graceDays: grace ?? 0, ending: ending ?? .lock)
        }
        request.order = orderID
        // An order keeps its term in days, so that retrying it later repeats its terms.
        if let days = try arguments.value(CommonOptions.days) {
            if orderID == nil { request.exp = now + days * 86_400 } else { request.days = days }
        }
        if let exp = try arguments.value(CommonOptions.exp) { request.exp = exp }
        if request.expiry != nil, request.exp == nil, request.days == nil {
            throw ValidationError("--\(warnDays.name), --\(graceDays.name) and --\(then.name) describe how a license ends; give --\(CommonOptions.exp.name) or --\(CommonOptions.days.name)",
                                  code: .missingOption)
        }
        switch (try arguments.value(lease), try arguments.value(borrow)) {
        case let (lease?, borrow): request.floating = FloatingTerms(lease: lease, borrow: borrow ?? 0)
        case (nil, _?): throw ValidationError("--\(borrow.name) goes with --\(lease.name)", code: .missingOption)
        case (nil, nil): break
        }
        request.certificateHash = try arguments.value(CommonOptions.from)
        request.metering = try MeteringArguments.metering(arguments, model: request.model)
        let allowed = try AllowedNames(of: target)
        try allowed.checkProduct(request.product, option: CommonOptions.product.name)
        try allowed.checkModels([request.model], option: model.name)
        try allowed.checkFeatures(request.features ?? [], of: request.product, option: features.name)
        if let metering = request.metering {
            try allowed.checkFeatures(metering.allowance.map(\.feature), of: request.product, option: MeteringArguments.allowance.name)
        }

        let sale = request
        let file: LicenseFile
        var verb = "issued"
        if orderID != nil {
            let outcome = try OrderOptions.single(on: target, endpoint: .issueOrders, body: APIBodies.OrdersBody(orders: [sale])) { node throws(NodeError) in
                try node.issueOrders([sale], at: now)
            }
            file = outcome.file
            if outcome.status == .existing { verb = "order \(outcome.order) was already issued as" }
            try OrderOptions.write(file, to: out)
        } else {
            file = try target.call(local: { try $0.issue(sale, at: now) }, endpoint: .issueLicense, body: sale)
            try file.encoded().write(to: out, options: .withoutOverwriting)
        }
        let signed = try SignedLicense(compact: file.license), license = signed.payload
        Console.print("\(verb) license \(HashID.short(signed.hash)) to \(license.customer): serials \(license.seats), \(license.product), \(license.model), \(license.price) — \(out.path)")
        if let tier = license.tier { Console.print("  tier \(tier): \(license.features.joined(separator: ","))") }
        if let expiry = license.expiry { Console.print("  as it ends: \(expiry)") }
        if let metering = license.metering { Console.print("  metered: \(metering)") }
        return .success
    }
}
