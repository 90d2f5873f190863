import Foundation
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// `tollgate issue`: sell a license under a certificate this node holds.
enum IssueCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "issue",
        abstract: "Issue a license file for a customer under a certificate this node holds.",
        discussion: "Serials come from the certificate's range and are never handed out twice; the sale is logged in the node's store.",
        options: [
            .init(name: "customer", value: "name", help: "The customer.", required: true),
            .init(name: "country", value: "CC", help: "Country of sale.", required: true),
            .init(name: "product", value: "id", help: "The product.", required: true),
            .init(name: "model", value: "model", help: "perpetual, subscription, trial, ...", required: true),
            .init(name: "price", value: "CUR:minor-units", help: "Price per seat, e.g. EUR:4900.", required: true),
            .init(name: "out", value: "file", help: "Where to write the license file.", required: true),
            .init(name: "seats", value: "n", help: "Machines that may be active at once (default 1)."),
            .init(name: "territory", value: "DE,AT,...", help: "Where it may be activated (default: the country of sale)."),
            .init(name: "features", value: "a,b,...", help: "Features (default: all the certificate allows)."),
            .init(name: "days", value: "n", help: "Term of a subscription or trial, in days."),
            .init(name: "exp", value: "time", help: "End of a subscription or trial."),
            .init(name: "from", value: "certificate", help: "Hash prefix or jti of the held certificate."),
        ] + NodeTarget.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let out = URL(fileURLWithPath: try arguments.required("out"))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        guard let price = Price(parsing: try arguments.required("price")) else {
            throw ValidationError("--price must be CUR:AMOUNT in minor units, e.g. EUR:4900")
        }
        let now = TimeArgument.now
        var request = LicenseRequest(customer: try arguments.required("customer"), country: try arguments.required("country"),
                                     product: try arguments.required("product"), model: try arguments.required("model"), price: price)
        if let seats = try arguments.integer("seats") {
            guard seats > 0 else { throw ValidationError("--seats must be positive") }
            request.seatCount = UInt64(seats)
        }
        request.territory = arguments.list("territory")
        request.features = arguments.list("features")
        if let days = try arguments.integer("days") {
            guard days > 0 else { throw ValidationError("--days must be positive") }
            request.exp = now + days * 86_400
        }
        if let exp = arguments.value("exp") { request.exp = try TimeArgument.instant(exp, option: "exp") }
        request.certificateHash = arguments.value("from")

        let sale = request
        let file: LicenseFile = try target.call(local: { try $0.issue(sale, at: now) }, method: .post, path: "/v1/licenses", body: sale)
        try file.encoded().write(to: out, options: .withoutOverwriting)
        let license = try SignedLicense(compact: file.license).payload
        Console.print("issued license \(license.jti) to \(license.customer): serials \(license.seats), \(license.product), \(license.model), \(license.price) — \(out.path)")
        return .success
    }
}
