import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateService
import TollgateWire

/// `tollgate renew`: extend a subscription or trial.
enum RenewCommand: Command {
    static let spec = CommandSpec(
        name: "renew",
        abstract: "Renew a subscription, or a perpetual license's maintenance: a new license for the same customer and seats, keeping its activations.",
        options: [
            license.required,
            CommonOptions.out.with(help: "Where to write the renewed license file.").required,
            CommonOptions.days.with(help: "New term in days from now."),
            CommonOptions.exp.with(help: "New end."),
            CommonOptions.price.with(help: "New price per seat (default: unchanged)."),
            IssueCommand.updatesUntil.with(help: "A perpetual license's maintenance: move updates_until to this day (priced per seat, the floor applies)."),
        ] + NodeTarget.options)

    static let license = Option<String>("license", value: "id", help: "The license's id as 'list licenses' prints it, or any unique prefix (an earlier renewal's id works too).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let out = URL(fileURLWithPath: try arguments.required(CommonOptions.out))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let now = TimeArgument.now
        let exp: Int64
        if let days = try arguments.value(CommonOptions.days) {
            exp = now + days * 86_400
        } else if let end = try arguments.value(CommonOptions.exp) {
            exp = end
        } else if let until = try arguments.value(IssueCommand.updatesUntil) {
            exp = until
        } else {
            throw ValidationError("give --\(CommonOptions.days.name) <n>, --\(CommonOptions.exp.name) <time> or, for maintenance, --\(IssueCommand.updatesUntil.name) <time>",
                                  code: .missingOption)
        }
        let price = try arguments.value(CommonOptions.price)
        let hash = try arguments.required(license)
        let body = APIBodies.RenewalBody(exp: exp, price: price)
        let file: LicenseFile = try target.call(local: { try $0.renew(licenseHash: try LicenseLookup.hash(for: hash, in: $0), exp: exp, price: price, at: now) },
                                                endpoint: .renewLicense, parameters: ["hash": hash], body: body)
        try file.encoded().write(to: out, options: .withoutOverwriting)
        let license = try SignedLicense(compact: file.license).payload
        if let until = license.updatesUntil, license.exp == nil {
            Console.print("renewed \(license.customer)'s maintenance as \(HashID.short(JWS.hash(of: file.license))): releases up to \(TimeText.iso(until)): \(out.path)")
            return .success
        }
        Console.print("renewed \(license.customer)'s license as \(HashID.short(JWS.hash(of: file.license))) until \(TimeText.iso(license.exp ?? exp, relativeTo: now)): \(out.path)")
        return .success
    }
}
