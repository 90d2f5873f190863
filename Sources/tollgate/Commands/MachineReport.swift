import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine
import TollgateHTTP
import TollgateHTTPMessages

/// What the `tollgate machine …` commands share: options, opening the wallet, and the text they
/// print for a license, an activation or a failure.
enum MachineReport {
    static let dir = CommonOptions.dir.with(help: "The machine wallet directory.")
    static let node = CommonOptions.node.with(help: "The reseller node, e.g. https://node.example:8443.")
    static let ca = CommonOptions.ca.with(help: "CA certificates to trust for the node's TLS certificate.")
    static let license = Option<String>("license", value: "file", help: "License file to install first (default: the installed one).")
    static let country = CommonOptions.country.with(help: "Where this machine is.")
    static let releaseDate = Option<Int64>.time("release-date", help: "The running product version's release date: refused when after the license's maintenance (updates_until).")

    /// `maintained` while `now` is on or before a perpetual license's `updates_until`, else `lapsed`
    /// (older releases still run).
    static func maintenanceState(until: Int64, at now: Int64) -> String { now <= until ? "maintained" : "lapsed" }

    /// The warnings a verified license carries: an over-use activation of a lenient license.
    static func warnings(_ verified: VerifiedLicense) -> [String]? {
        guard let overUse = verified.overUse else { return nil }
        let seats = verified.license.payload.seats.count
        return ["over-use: this machine is \(overUse) beyond the license's \(seats) seat(s); the lenient license allows it and the vendor is told"]
    }

    static func wallet(_ arguments: ParsedArguments) throws -> MachineWallet {
        let directory = URL(fileURLWithPath: try arguments.required(dir))
        return try clientCall { () throws(ClientError) in try MachineWallet(at: directory) }
    }

    /// Verifies and installs `--license` when given.
    static func importLicense(_ arguments: ParsedArguments, into wallet: MachineWallet, at now: Int64) throws {
        guard let path = try arguments.value(license) else { return }
        let data = try readFile(path, what: "license file")
        let file: LicenseFile
        do {
            file = try LicenseFile(data: data)
        } catch {
            throw CommandFailure("\(path) is not a license file: \(error)")
        }
        _ = try clientCall { () throws(ClientError) in try wallet.importLicense(file, at: now) }
    }

    static func activationClient(_ arguments: ParsedArguments, wallet: MachineWallet) throws -> ActivationClient {
        let configuration = HTTPClientConfiguration(caBundlePath: try arguments.value(ca))
        return try clientCall { () throws(ClientError) in try ActivationClient(wallet: wallet, configuration: configuration) }
    }

    /// Runs a client library call, turning its error into a message that names the rule or the
    /// node's problem type.
    static func clientCall<T>(_ body: () throws(ClientError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            if let refusal = error.refusal {
                throw Refusal.failure(for: ProblemDetails(type: refusal.type, title: refusal.title, status: refusal.status, detail: refusal.detail),
                                      status: refusal.status)
            }
            throw CommandFailure(message(for: error), exitCode: error.code == .verificationFailed ? .invalid : .failure)
        }
    }

    static func message(for error: ClientError) -> String {
        if let verification = error.verification {
            // The reason ends with the verifier's own sentence; one line names the rule and object instead.
            let suffix = ": \(verification)"
            let context = error.reason.hasSuffix(suffix) ? String(error.reason.dropLast(suffix.count)) : error.reason
            return "\(context) (\(verification.rule) in \(verification.object)): \(verification.reason)"
        }
        return "\(error.reason) [\(error.code)]"
    }

    /// The id of another machine's activation, which a request signs in whole: a short id cannot be
    /// looked up where the request is made (offline, or on a machine that never held it).
    static func wholeActivationID(_ text: String) throws(ValidationError) -> String {
        guard text.count == HashID.fullLength else {
            throw ValidationError("needs the activation's whole id (\(HashID.fullLength) characters, as 'tollgate list activations --json' "
                                  + "prints it), not '\(text)'")
        }
        return text
    }

    /// The tier whose features are enabled: after a downgrade, the downgrade tier, not the one sold.
    private static func tierNote(_ license: License, _ standing: LicenseStanding) -> String {
        if standing.state == .downgraded, let tier = license.expiry?.downgradeTier {
            return " (tier \(tier), downgraded from \(license.tier ?? "the features sold"))"
        }
        return license.tier.map { " (tier \($0))" } ?? ""
    }

    static func describe(_ verified: VerifiedLicense, at now: Int64 = TimeArgument.now) -> [String] {
        let license = verified.license.payload
        var lines = [
            "  customer:   \(license.customer)",
            "  product:    \(license.product) [\(verified.features.joined(separator: ", "))]"
                + tierNote(license, verified.standing),
            "  model:      \(license.model)\(license.exp.map { ", expires \(TimeText.iso($0, relativeTo: now))" } ?? ", does not expire")",
            "  state:      \(standing(verified.standing, at: now))",
        ]
        if let expiry = license.expiry { lines.append("  as it ends: \(expiry)") }
        if let until = license.updatesUntil {
            let state = maintenanceState(until: until, at: now)
            lines.append("  maintenance: \(state == "maintained" ? "maintained until" : "lapsed at") \(TimeText.iso(until)) (releases up to then run)")
        }
        for warning in warnings(verified) ?? [] { lines.append("  WARNING:    \(warning)") }
        lines.append("  license:    \(HashID.short(verified.license.hash))" + (license.supersedes.map { ", supersedes \(HashID.short($0))" } ?? "")
                     + (license.converts.map { ", converts trial \(HashID.short($0))" } ?? ""))
        for addon in verified.addons {
            lines.append("  add-on:     \(HashID.short(addon.hash)) [\(addon.payload.features.joined(separator: ", "))]")
        }
        for refused in verified.refusedAddons {
            lines.append("  add-on refused: \(refused.rule) in \(refused.object): \(refused.reason)")
        }
        if let activation = verified.activation {
            lines += describe(activation)
        }
        return lines
    }

    /// `grace, 11 days left (until 2027-02-14T00:00:00Z)`, or the state alone when it never changes.
    static func standing(_ standing: LicenseStanding, at now: Int64) -> String {
        guard let days = standing.daysLeft, let changes = standing.changesAt else { return standing.state.rawValue }
        return "\(standing.state.rawValue), \(days) day\(days == 1 ? "" : "s") left (until \(TimeText.iso(changes, relativeTo: now)))"
    }

    static func describe(_ activation: SignedActivation) -> [String] {
        let claims = activation.payload
        var lines = [
            "  activation: \(HashID.short(activation.hash))",
            "  seat:       serial \(claims.serial), \(claims.kind.rawValue), \(claims.country), \(claims.platform)"
                + (claims.exp.map { ", until \(TimeText.iso($0, relativeTo: TimeArgument.now))" } ?? ""),
        ]
        if let replaces = claims.replaces { lines.append("  stands in:  for activation \(HashID.short(replaces))") }
        return lines
    }

}
