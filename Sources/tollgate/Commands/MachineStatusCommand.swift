import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine

/// `tollgate machine status`: what the node knows about the installed license.
enum MachineStatusCommand: Command {
    static let spec = CommandSpec(
        name: "machine status",
        abstract: "Ask the node about the installed license: validity, renewal, seats in use; records its revocations and prints the local state.",
        options: [MachineReport.dir.required, MachineReport.node.required, MachineReport.ca])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required(MachineReport.node)
        let status = try MachineReport.clientCall { () throws(ClientError) in try client.status(nodeURL: node) }
        var lines = [
            "license \(status.license): \(status.valid ? "valid" : "NOT VALID") at the node",
            "  seats:       \(status.active) of \(status.seats) in use",
            "  expires:     \(status.exp.map { TimeText.iso($0, relativeTo: TimeArgument.now) } ?? "never (perpetual)")",
            "  revocations: \(status.revocations.count) in its chain",
        ]
        if let problem = status.problem { lines.append("  problem:     \(problem)") }
        // The state this machine's own offline check sees now, after the revocations just learned
        // (and the check records the time, so a clock set back later is caught).
        let now = TimeArgument.now
        do throws(ClientError) {
            let verified = try wallet.check(at: now)
            lines.append("  state:       \(MachineReport.standing(verified.standing, at: now))")
            if let until = verified.updatesUntil {
                lines.append("  maintenance: \(MachineReport.maintenanceState(until: until, at: now) == "maintained" ? "maintained until" : "lapsed at") \(TimeText.iso(until))")
            }
            for warning in MachineReport.warnings(verified) ?? [] { lines.append("  WARNING:     \(warning)") }
        } catch {
            if let verification = error.verification {
                lines.append("  state:       NOT LICENSED here: \(verification.rule) in \(verification.object)")
            } else if error.code == .notActivated {
                lines.append("  state:       not activated on this machine")
            } else {
                throw CommandFailure(MachineReport.message(for: error))
            }
        }
        let installed = try MachineReport.clientCall { () throws(ClientError) in try wallet.licenseFile() }.map { JWS.hash(of: $0.license) }
        if status.current != status.license {
            lines.append(installed == status.current
                ? "  changed:     installed the current license \(status.current) (renewal, upgrade or conversion); the activation holds"
                : "  renewed:     the current license is \(status.current); ask the reseller for it")
        }
        Console.print(lines.joined(separator: "\n"))
        return .success
    }
}
