import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine

/// What the `machine lease`, `heartbeat`, `borrow` and `check` commands print about a lease.
enum MachineLeaseReport {
    static func describe(_ verified: VerifiedLease, at now: Int64) -> [String] {
        let lease = verified.lease.payload
        var lines = MachineReport.describe(verified.license, at: now)
        lines += [
            "  lease:      \(HashID.short(verified.lease.hash)) (\(lease.kind.rawValue)) on serial \(lease.serial)",
            "  leased:     \(TimeText.iso(lease.nbf)) to \(TimeText.iso(lease.exp)), \(TimeText.duration(verified.secondsLeft)) left",
            "  server:     \(verified.siteActivation.map { "site \(HashID.short($0.payload.machineKey)) (site activation \(HashID.short($0.hash)))" } ?? "the license's issuer \(lease.iss)")",
        ]
        if lease.kind == .borrow {
            // A borrowed seat is the one a machine takes offline: say so, and until when it needs no server.
            lines.append("  offline:    borrowed, runs without its lease server until \(TimeText.iso(lease.exp))")
        }
        return lines
    }

    /// Runs one lease call against `--node` and prints what it holds now.
    static func run(_ arguments: ParsedArguments, verb: String,
                    _ call: (ActivationClient, String, String?) throws(ClientError) -> VerifiedLease) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        let now = TimeArgument.now
        try MachineReport.importLicense(arguments, into: wallet, at: now)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required(MachineReport.node), country = try arguments.value(MachineReport.country)
        let verified = try MachineReport.clientCall { () throws(ClientError) in try call(client, node, country) }
        Console.print((["\(verb): this machine holds a verified lease"] + describe(verified, at: now)).joined(separator: "\n"))
        return .success
    }

    static let options: [any OptionDeclaring] = [MachineReport.dir.required, MachineReport.node.required,
                          MachineReport.country.with(help: "Where this machine is (default: where the license was sold)."),
                          MachineReport.license, MachineReport.ca]
}
