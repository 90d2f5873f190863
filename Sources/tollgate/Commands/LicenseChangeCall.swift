import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateService
import TollgateWire

/// What `upgrade`, `downgrade`, `addon` and `convert` share: the license they follow, where the
/// new license file goes, and the one call (``Endpoint/changeLicense``) that makes it.
enum LicenseChangeCall {
    static let license = Option<String>("license", value: "id", help: "The license's id as 'list licenses' prints it, or any unique prefix (any license of its lineage).")
    static let out = CommonOptions.out.with(help: "Where to write the new license file.")

    /// Asks the node (local or remote) for the change and writes the license file to `--out`.
    static func run(_ arguments: ParsedArguments, _ request: LicenseChangeRequest, licenseOption: Option<String> = license) throws -> (LicenseFile, License, URL) {
        let target = try NodeTarget(arguments)
        let out = URL(fileURLWithPath: try arguments.required(Self.out))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let hash = try arguments.required(licenseOption)
        let now = TimeArgument.now
        let file: LicenseFile = try target.call(local: { try $0.change(licenseHash: try LicenseLookup.hash(for: hash, in: $0), request, at: now) },
                                                endpoint: .changeLicense, parameters: ["hash": hash], body: request)
        try file.encoded().write(to: out, options: .withoutOverwriting)
        return (file, try SignedLicense(compact: file.license).payload, out)
    }

    /// `--tier` or `--features`, exactly one.
    static func featureSet(_ arguments: ParsedArguments, tier: Option<String>, features: Option<[String]>) throws -> (tier: String?, features: [String]?) {
        let named = (try arguments.value(tier), try arguments.value(features))
        switch named {
        case (.some, .some): throw ValidationError("give --\(tier.name) or --\(features.name), not both", code: .conflictingOptions)
        case (nil, nil): throw ValidationError("give the new --\(tier.name) or --\(features.name)", code: .missingOption)
        default: return named
        }
    }
}
