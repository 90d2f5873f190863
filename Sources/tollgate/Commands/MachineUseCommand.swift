import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine

/// `tollgate machine use`: record use of a metered feature offline, as the next signed record of
/// this machine's usage chain.
enum MachineUseCommand: Command {
    static let spec = CommandSpec(
        name: "machine use",
        abstract: "Record use of a metered feature offline: the next record of this machine's signed usage chain.",
        discussion: """
            The license and activation are checked first, as 'machine check' does. Under the license's overage rule
            refuse (or past an allow ceiling) use beyond the month's allowance is refused (rule usage_beyond_allowance)
            and nothing is recorded. Send the records with 'machine usage upload' or carry them with 'machine usage export'.
            """,
        options: [MachineReport.dir.required, feature.required, units.required, CommonOptions.at.with(help: "Record the use as of this time instead of now.")])

    static let feature = Option<String>("feature", value: "name", help: "The metered feature used.")
    static let units = Option<Int64>("units", value: "n", help: "Units used.", range: 1...ObjectLimits.maxAmount)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        let now = try arguments.value(CommonOptions.at) ?? TimeArgument.now
        let feature = try arguments.required(Self.feature), units = try arguments.required(Self.units)
        let record = try MachineReport.clientCall { () throws(ClientError) in try wallet.recordUse(feature: feature, units: units, at: now) }
        let chain = try MachineReport.clientCall { () throws(ClientError) in try wallet.usageChain() }
        let used = chain?.used(feature, in: record.payload.period) ?? units
        let allowance = try MachineReport.clientCall { () throws(ClientError) in try wallet.licenseFile() }
            .flatMap { try? SignedLicense(compact: $0.license).payload.metering?.allowance(of: feature) }
        Console.print("recorded \(units) units of \(feature) as record \(record.payload.seq) (\(HashID.short(record.hash)))"
                      + "; \(used) this month (\(record.payload.period))" + (allowance.map { " of an allowance of \($0)" } ?? ""))
        return .success
    }
}
