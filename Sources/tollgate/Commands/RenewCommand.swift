import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateService
import TollgateWire

/// `tollgate renew`: extend a subscription or trial.
enum RenewCommand: Command {
    static let spec = CommandSpec(
        name: "renew",
        abstract: "Renew a subscription: a new license for the same customer and seats, keeping its activations.",
        discussion: """
            With --order ID a retry is safe: an order already renewed with the same terms gets its renewal back and renews nothing.
            --orders FILE renews a CSV file of orders (header: order,license and days or until, optionally price), each batch of up
            to 500 all or none, one result row per order; running the file again renews only the orders not renewed yet.
            """,
        options: [
            license.with(help: license.help + " (required without --orders)"),
            CommonOptions.out.with(help: "Where to write the renewed license file (required without --orders)."),
            CommonOptions.days.with(help: "New term in days from now."),
            CommonOptions.exp.with(help: "New end."),
            CommonOptions.price.with(help: "New price per seat (default: unchanged)."),
            OrderOptions.order,
            OrderOptions.orders,
            OrderOptions.outDir,
        ] + NodeTarget.options,
        flags: [CommonOptions.json.with(help: "With --orders: print the results as JSON."), OrderOptions.csv])

    static let license = Option<String>("license", value: "id", help: "The license's id as 'list licenses' prints it, or any unique prefix (an earlier renewal's id works too).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        if let file = try arguments.value(OrderOptions.orders) {
            let single: [any OptionDeclaring] = [license, CommonOptions.out, CommonOptions.days, CommonOptions.exp, CommonOptions.price, OrderOptions.order]
            if let given = single.first(where: { arguments.contains(named: $0.declaration.name) }) {
                throw ValidationError("--\(OrderOptions.orders.name) takes each renewal's terms from the file; drop --\(given.declaration.name)",
                                      code: .conflictingOptions)
            }
            let run = OrderRun(rows: try OrdersFile.renewals(at: file), order: { $0.order ?? "" }, endpoint: .renewOrders,
                               body: { APIBodies.RenewalOrdersBody(renewals: $0) }, local: { node, requests throws(NodeError) in
                                   try node.renewOrders(requests, at: TimeArgument.now,
                                                        resolve: try LicenseLookup.resolver(for: requests.map(\.license), in: node))
                               })
            return try run.run(on: target, format: try OrderOptions.format(arguments), writingInto: try OrderOptions.directory(arguments))
        }
        let out = URL(fileURLWithPath: try arguments.required(CommonOptions.out))
        if let order = try arguments.value(OrderOptions.order) {
            return try renew(order: order, arguments, target: target, out: out)
        }
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let now = TimeArgument.now
        let exp: Int64
        if let days = try arguments.value(CommonOptions.days) {
            exp = now + days * 86_400
        } else if let end = try arguments.value(CommonOptions.exp) {
            exp = end
        } else {
            throw ValidationError("give --\(CommonOptions.days.name) <n> or --\(CommonOptions.exp.name) <time>", code: .missingOption)
        }
        let price = try arguments.value(CommonOptions.price)
        let hash = try arguments.required(license)
        let body = APIBodies.RenewalBody(exp: exp, price: price)
        let file: LicenseFile = try target.call(local: { try $0.renew(licenseHash: try LicenseLookup.hash(for: hash, in: $0), exp: exp, price: price, at: now) },
                                                endpoint: .renewLicense, parameters: ["hash": hash], body: body)
        try file.encoded().write(to: out, options: .withoutOverwriting)
        let license = try SignedLicense(compact: file.license).payload
        Console.print("renewed \(license.customer)'s license as \(HashID.short(JWS.hash(of: file.license))) until \(TimeText.iso(license.exp ?? exp, relativeTo: now)): \(out.path)")
        return .success
    }

    /// `renew --order`: one renewal sent as a bulk call of one row, so a retry returns the same renewal.
    private static func renew(order: String, _ arguments: ParsedArguments, target: NodeTarget, out: URL) throws -> ExitCode {
        let now = TimeArgument.now
        var request = RenewalRequest(order: order, license: try arguments.required(license), price: try arguments.value(CommonOptions.price))
        request.days = try arguments.value(CommonOptions.days)
        request.exp = try arguments.value(CommonOptions.exp)
        guard request.days != nil || request.exp != nil else {
            throw ValidationError("give --\(CommonOptions.days.name) <n> or --\(CommonOptions.exp.name) <time>", code: .missingOption)
        }
        let renewal = request
        let outcome = try OrderOptions.single(on: target, endpoint: .renewOrders, body: APIBodies.RenewalOrdersBody(renewals: [renewal])) { node throws(NodeError) in
            try node.renewOrders([renewal], at: now, resolve: try LicenseLookup.resolver(for: [renewal.license], in: node))
        }
        try OrderOptions.write(outcome.file, to: out)
        let renewed = try SignedLicense(compact: outcome.file.license).payload
        let verb = outcome.status == .existing ? "order \(order) was already renewed: \(renewed.customer)'s license is" : "renewed \(renewed.customer)'s license as"
        Console.print("\(verb) \(HashID.short(outcome.license)) until \(TimeText.iso(renewed.exp ?? now, relativeTo: now)): \(out.path)")
        return .success
    }
}
