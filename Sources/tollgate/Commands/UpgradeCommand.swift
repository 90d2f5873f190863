import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateWire

/// `tollgate upgrade` (and `tollgate downgrade`, the same change the other way): a license that
/// supersedes the newest of its lineage with a new tier or feature set, for the price of the
/// difference. Machines keep their activations and pick it up from `machine status` or the file.
enum UpgradeCommand: Command {
    static let spec = makeSpec(name: "upgrade", abstract: "Upgrade a license to a tier or feature set for the price of the difference; machines keep their activations.")

    static func makeSpec(name: String, abstract: String) -> CommandSpec {
        CommandSpec(name: name, abstract: abstract,
                    options: [LicenseChangeCall.license.required, LicenseChangeCall.out.required, tier, features,
                              CommonOptions.price.with(help: "Price per seat of the difference (at least the feature floors of what is added; a downgrade may be EUR:0).").required]
                        + NodeTarget.options)
    }

    static let tier = Option<String>("tier", value: "name", help: "The new tier of the product in the certificate.")
    static let features = Option<[String]>("features", value: "a,b,...", help: "The new feature set.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let (tier, features) = try LicenseChangeCall.featureSet(arguments, tier: tier, features: features)
        let request = LicenseChangeRequest(kind: .supersede, features: features, tier: tier, price: try arguments.required(CommonOptions.price))
        let (file, license, out) = try LicenseChangeCall.run(arguments, request)
        Console.print("license \(HashID.short(JWS.hash(of: file.license))) for \(license.customer) supersedes \(HashID.short(license.supersedes ?? "")): "
                      + "\(license.features.joined(separator: ","))\(license.tier.map { " (tier \($0))" } ?? ""), \(license.price) — \(out.path)")
        return .success
    }
}
