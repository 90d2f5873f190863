import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateWire

/// `tollgate convert`: a paid license that ends a trial. It continues the trial's lineage, so the
/// machine keeps running on the trial's activation once it holds the new file.
enum ConvertCommand: Command {
    static let spec = CommandSpec(
        name: "convert",
        abstract: "Convert a trial into a paid license that keeps the trial's activations.",
        options: [trial.required, LicenseChangeCall.out.required, model,
                  CommonOptions.price.with(help: "Price per seat of the paid license (the price floor applies).").required,
                  CommonOptions.days.with(help: "Term in days from now (subscription)."), CommonOptions.exp,
                  UpgradeCommand.tier.with(help: "A tier for the paid license (default: the trial's features)."),
                  UpgradeCommand.features.with(help: "Features of the paid license (default: the trial's).")]
            + NodeTarget.options)

    static let trial = Option<String>("trial", value: "id", help: "The trial license's id as 'list licenses' prints it, or any unique prefix.")
    static let model = Option<String>("model", value: "model", help: "The paid model: subscription (the default) or perpetual.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let now = TimeArgument.now
        let paid = try arguments.value(model) ?? "subscription"
        var exp: Int64?
        if let days = try arguments.value(CommonOptions.days) { exp = now + days * 86_400 } else { exp = try arguments.value(CommonOptions.exp) }
        if paid != "perpetual", exp == nil {
            throw ValidationError("a \(paid) conversion needs --\(CommonOptions.days.name) <n> or --\(CommonOptions.exp.name) <time>", code: .missingOption)
        }
        let tier = try arguments.value(UpgradeCommand.tier), features = try arguments.value(UpgradeCommand.features)
        if tier != nil, features != nil {
            throw ValidationError("give --\(UpgradeCommand.tier.name) or --\(UpgradeCommand.features.name), not both", code: .conflictingOptions)
        }
        let request = LicenseChangeRequest(kind: .convert, features: features, tier: tier, price: try arguments.required(CommonOptions.price),
                                           model: paid, exp: paid == "perpetual" ? nil : exp)
        let (file, license, out) = try LicenseChangeCall.run(arguments, request, licenseOption: trial)
        Console.print("license \(HashID.short(JWS.hash(of: file.license))) for \(license.customer) converts trial \(HashID.short(license.converts ?? "")): "
                      + "\(license.model), \(license.price)\(license.exp.map { ", until \(TimeText.iso($0, relativeTo: now))" } ?? "") — \(out.path)")
        return .success
    }
}
