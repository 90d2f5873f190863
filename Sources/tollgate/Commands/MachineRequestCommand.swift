import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine
import TollgateNode

/// `tollgate machine request`: write an offline request file for the reseller.
enum MachineRequestCommand: Command {
    static let spec = CommandSpec(
        name: "machine request",
        abstract: "Write an offline activation, deactivation or emergency request file, signed by this machine.",
        discussion: "Carry the file to the reseller, who answers it with a response file for 'tollgate machine install'. "
            + "A deactivate request gives the seat back at once: this machine stops using its activation when the file is written. "
            + "The reseller's node answers a request file up to \(TimeText.duration(LicensingNode.offlineRequestWindow)) after it was made "
            + "(it travels by hand); an online request must reach the node within \(TimeText.duration(LicensingNode.machineRequestWindow)).",
        options: [
            MachineReport.dir.required,
            out.required,
            MachineReport.license,
            country,
            action,
            activation,
        ])

    static let out = CommonOptions.out.with(help: "Where to write the request.")
    static let country = MachineReport.country.with(help: "Where this machine is (required to activate or for an emergency).")
    static let action = Option<MachineRequest.Action>("action", help: "What to ask for (default activate).")
    static let activation = Option<String>("activation", value: "id", help: "Emergency: the failed machine's activation, its whole id as 'list activations --json' prints it; deactivate: this machine's id or a prefix (checked).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let action = try arguments.value(Self.action) ?? .activate
        let out = URL(fileURLWithPath: try arguments.required(Self.out))
        let wallet = try MachineReport.wallet(arguments)
        let now = TimeArgument.now
        try MachineReport.importLicense(arguments, into: wallet, at: now)
        let request: String
        var notes: [String] = []
        switch action {
        case .lease, .heartbeat, .release, .borrow:
            throw ValidationError("a \(action.rawValue) goes to the lease server online: 'tollgate machine \(action.rawValue)'", code: .invalidValue)
        case .site:
            throw ValidationError("a site node's binding request is written by 'tollgate site request'", code: .invalidValue)
        case .activate:
            let country = try requiredCountry(arguments, action)
            request = try MachineReport.clientCall { () throws(ClientError) in try wallet.activationRequest(country: country, at: now) }
        case .emergency:
            let country = try requiredCountry(arguments, action)
            guard let typed = try arguments.value(activation) else {
                throw ValidationError("an emergency request needs --\(activation.name) <id> of the failed machine's activation", code: .missingOption)
            }
            let failed: String
            do {
                failed = try MachineReport.wholeActivationID(typed)
            } catch {
                throw ValidationError("--\(activation.name) \(error.message)", code: error.code)
            }
            request = try MachineReport.clientCall { () throws(ClientError) in
                try wallet.emergencyRequest(replacing: failed, country: country, at: now)
            }
        case .deactivate:
            let held = try MachineReport.clientCall { () throws(ClientError) -> SignedActivation? in
                if let current = try wallet.activation() { return current }
                return try wallet.pendingDeactivation()
            }
            if let named = try arguments.value(activation), let held, HashID.matches(named, in: [held.hash]).isEmpty {
                throw CommandFailure("this machine holds activation \(HashID.short(held.hash)), not \(named)")
            }
            let (signed, ended) = try MachineReport.clientCall { () throws(ClientError) in try wallet.deactivationRequest(at: now) }
            request = signed
            notes.append("this machine no longer uses activation \(HashID.short(ended.hash))")
        }
        do {
            try Data((request + "\n").utf8).write(to: out, options: .atomic)
        } catch {
            throw CommandFailure("cannot write the request \(out.path): \(error.localizedDescription)")
        }
        let parsed = try SignedMachineRequest(compact: request)
        var lines = ["\(action.rawValue) request written to \(out.path)",
                     "  license:    \(parsed.payload.license)"]
        if let activation = parsed.payload.activation { lines.append("  activation: \(activation)") }
        lines += ["  machine:    \(parsed.jws.header.kid)",
                  "  made at:    \(TimeText.iso(parsed.payload.iat))"]
        lines += notes.map { "  note:       \($0)" }
        lines.append("Hand the file to your reseller and install the response with 'tollgate machine install --\(MachineReport.dir.name) \(wallet.directory.path) <response>'.")
        Console.print(lines.joined(separator: "\n"))
        return .success
    }

    private static func requiredCountry(_ arguments: ParsedArguments, _ action: MachineRequest.Action) throws(ValidationError) -> String {
        guard let country = try arguments.value(Self.country) else {
            throw ValidationError("an \(action.rawValue) request needs --\(Self.country.name) <CC>, where this machine is", code: .missingOption)
        }
        return country
    }
}
