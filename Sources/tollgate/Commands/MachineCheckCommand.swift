import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine

/// `tollgate machine check`: the offline check embedded software runs.
enum MachineCheckCommand: Command {
    static let spec = CommandSpec(
        name: "machine check",
        abstract: "Verify the installed license and activation offline for this machine.",
        discussion: "Exit code 0: licensed; 1: not licensed (the rule that failed, or what is missing, is printed); 2: usage; 3: unreadable wallet.",
        options: [MachineReport.dir.required, CommonOptions.at.with(help: "Check as of this time instead of now."), MachineReport.releaseDate],
        flags: [CommonOptions.json.with(help: "Print the verdict as JSON.")])

    struct Report: Encodable {
        var valid: Bool
        var code: String?
        var rule: String?
        var object: String?
        var reason: String?
        var customer: String?
        var product: String?
        /// The features enabled in `state`: the license's (or its downgrade tier's) and its add-ons'.
        var features: [String]?
        var tier: String?
        /// active, expiring, grace or downgraded (see ``LicenseStanding``).
        var state: String?
        /// Whole days until `state` changes; absent when it never does.
        var daysLeft: Int64?
        var stateChanges: Int64?
        var model: String?
        var licenseExpires: Int64?
        var license: String?
        var activation: String?
        var serial: UInt64?
        var kind: String?
        var activationExpires: Int64?
        var machineKey: String
        var fingerprint: String
        /// For a floating seat: the lease, and its seconds left.
        var lease: String?
        var leaseSecondsLeft: Int64?
        /// A perpetual license's maintenance end; absent when every release runs.
        var updatesUntil: Int64?
        /// `maintained` or `lapsed` (at the time checked), with `updates_until`.
        var maintenance: String?
        /// For a lenient license's activation beyond its seats: its over-use number.
        var overUse: UInt64?
        /// What the software should tell its user while it runs (over-use of a lenient license).
        var warnings: [String]?

        enum CodingKeys: String, CodingKey {
            case valid, code, rule, object, reason, customer, product, features, tier, state, model, license, activation, serial, kind, fingerprint
            case daysLeft = "days_left"
            case stateChanges = "state_changes"
            case licenseExpires = "license_expires"
            case activationExpires = "activation_expires"
            case machineKey = "machine_key"
            case lease
            case leaseSecondsLeft = "lease_seconds_left"
            case updatesUntil = "updates_until"
            case maintenance, warnings
            case overUse = "over_use"
        }
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        let now = try arguments.value(CommonOptions.at) ?? TimeArgument.now
        let release = try arguments.value(MachineReport.releaseDate)
        var report = Report(valid: false, machineKey: wallet.machineKey.thumbprint, fingerprint: wallet.fingerprint.value)
        var lines: [String]
        do throws(ClientError) {
            if try wallet.leaseReceipt() != nil {
                let leased = try wallet.checkLease(at: now)
                report.fill(leased.license)
                report.lease = leased.lease.hash
                report.serial = leased.lease.payload.serial
                report.kind = leased.lease.payload.kind.rawValue
                report.activationExpires = leased.lease.payload.exp
                report.leaseSecondsLeft = leased.secondsLeft
                lines = ["LICENSED: this machine's lease verifies"] + MachineLeaseReport.describe(leased, at: now)
            } else {
                let verified = try wallet.check(at: now, release: release)
                report.fill(verified)
                report.updatesUntil = verified.updatesUntil
                report.maintenance = verified.updatesUntil.map { MachineReport.maintenanceState(until: $0, at: now) }
                report.overUse = verified.overUse
                report.warnings = MachineReport.warnings(verified)
                report.activation = verified.activation?.hash
                report.serial = verified.activation?.payload.serial
                report.kind = verified.activation?.payload.kind.rawValue
                report.activationExpires = verified.activation?.payload.exp
                lines = ["LICENSED: this machine's activation verifies"] + MachineReport.describe(verified, at: now)
            }
        } catch {
            // A wallet that cannot be read is a failure of the command, not a verdict.
            if error.code == .fileAccess || error.code == .malformed { throw CommandFailure(MachineReport.message(for: error)) }
            report.code = error.code.rawValue
            report.rule = error.verification?.rule.rawValue
            report.object = error.verification?.object
            report.reason = error.verification?.reason ?? error.reason
            if let verification = error.verification {
                lines = ["NOT LICENSED: \(verification.rule) in \(verification.object)", "  \(verification.reason)"]
            } else {
                lines = ["NOT LICENSED: \(error.reason)"]
            }
        }
        if arguments.isSet(CommonOptions.json) {
            try JSONOutput.print(report)
        } else {
            Console.print(lines.joined(separator: "\n"))
        }
        return report.valid ? .success : .invalid
    }
}

extension MachineCheckCommand.Report {
    /// The license's part of a valid verdict, for an activation or a lease alike.
    mutating func fill(_ verified: VerifiedLicense) {
        let license = verified.license.payload
        valid = true
        customer = license.customer
        product = license.product
        features = verified.features
        tier = license.tier
        state = verified.standing.state.rawValue
        daysLeft = verified.standing.daysLeft
        stateChanges = verified.standing.changesAt
        model = license.model
        licenseExpires = license.exp
        self.license = verified.license.hash
    }
}
