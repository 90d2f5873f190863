import Foundation
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages
import TollgateService
import TollgateWire

/// `tollgate renew`: extend a subscription or trial.
enum RenewCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "renew",
        abstract: "Renew a subscription: a new license for the same customer and seats, keeping its activations.",
        options: [
            .init(name: "license", value: "hash", help: "Hash of the license (or of any earlier renewal).", required: true),
            .init(name: "out", value: "file", help: "Where to write the renewed license file.", required: true),
            .init(name: "days", value: "n", help: "New term in days from now."),
            .init(name: "exp", value: "time", help: "New end."),
            .init(name: "price", value: "CUR:minor-units", help: "New price per seat (default: unchanged)."),
        ] + NodeTarget.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let out = URL(fileURLWithPath: try arguments.required("out"))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let now = TimeArgument.now
        let exp: Int64
        if let days = try arguments.integer("days") {
            guard days > 0 else { throw ValidationError("--days must be positive") }
            exp = now + days * 86_400
        } else if let text = arguments.value("exp") {
            exp = try TimeArgument.instant(text, option: "exp")
        } else {
            throw ValidationError("give --days <n> or --exp <time>")
        }
        let price = try arguments.value("price").map { text throws(ValidationError) -> Price in
            guard let price = Price(parsing: text) else { throw ValidationError("--price must be CUR:AMOUNT, e.g. EUR:4900") }
            return price
        }
        let hash = try arguments.required("license")
        let body = APIBodies.RenewalBody(exp: exp, price: price)
        let file: LicenseFile = try target.call(local: { try $0.renew(licenseHash: hash, exp: exp, price: price, at: now) },
                                                method: .post, path: "/v1/licenses/\(hash)/renewals", body: body)
        try file.encoded().write(to: out, options: .withoutOverwriting)
        let license = try SignedLicense(compact: file.license).payload
        Console.print("renewed \(license.customer)'s license until \(TimeArgument.format(license.exp ?? exp)): \(out.path)")
        return .success
    }
}
