import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateWire

/// `tollgate addon`: features added to a sold license on its serials, at least their feature
/// floors; the machine installs the add-on file (or gets it from `machine status`) beside its license.
enum AddonCommand: Command {
    static let spec = CommandSpec(
        name: "addon",
        abstract: "Add features to a license on its serials (an add-on, priced at least their feature floors).",
        options: [LicenseChangeCall.license.required, LicenseChangeCall.out.required, feature.repeatable,
                  CommonOptions.price.with(help: "Price per seat of the add-on (at least the feature floors of its features).").required]
            + NodeTarget.options)

    static let feature = Option<String>("feature", value: "name", help: "A feature the add-on adds; repeat for several.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let features = try arguments.values(feature)
        guard !features.isEmpty else { throw ValidationError("give --\(feature.name) <name> for each feature the add-on adds", code: .missingOption) }
        let request = LicenseChangeRequest(kind: .addon, features: features, price: try arguments.required(CommonOptions.price))
        let (file, license, out) = try LicenseChangeCall.run(arguments, request)
        Console.print("add-on \(HashID.short(JWS.hash(of: file.license))) for \(license.customer): \(license.features.joined(separator: ",")) "
                      + "on license \(HashID.short(license.addonOf ?? "")), \(license.price) — \(out.path)")
        return .success
    }
}
