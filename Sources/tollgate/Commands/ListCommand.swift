import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateService
import TollgateWire

/// `tollgate list …`: what a node holds and handed out, one subcommand per kind.
enum ListCommand {
    static let group = CommandGroup("list", abstract: "List a node's certificates, licenses or activations.")

    /// The things a node lists, each with the abstract of its subcommand.
    enum Listing: String, CaseIterable, Sendable {
        case certificates, licenses, activations

        var abstract: String {
            switch self {
            case .certificates: "List the certificates this node holds and those it delegated to its children."
            case .licenses: "List the licenses this node issued, renewals included."
            case .activations: "List the machine activations this node granted, ended ones marked."
            }
        }
    }

    static let subcommands: [Subcommand] = Listing.allCases.map { listing in
        Subcommand(spec: CommandSpec(name: "\(group.name) \(listing.rawValue)", abstract: listing.abstract,
                                     options: NodeTarget.options, flags: [CommonOptions.json])) { arguments in
            try run(listing, arguments)
        }
    }

    static func run(_ listing: Listing, _ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let json = arguments.isSet(CommonOptions.json)
        switch listing {
        case .certificates:
            let body: APIBodies.CertificatesBody = try target.call(local: { node in
                APIBodies.CertificatesBody(held: try node.heldCertificates().map(APIBodies.HeldCertificateBody.init),
                                           delegated: try node.delegatedCertificates().map {
                                               APIBodies.DelegatedCertificateBody(hash: $0.hash, subject: $0.payload.sub, seats: $0.payload.seats, certificate: $0.compact)
                                           })
            }, endpoint: .listCertificates)
            if json { try JSONOutput.print(body); return .success }
            Console.print("held:")
            for held in body.held { Console.print("  \(HashID.short(held.hash))  \(held.subject)  seats \(held.seats)  \(held.countries.joined(separator: ","))  depth \(held.depth)") }
            Console.print("delegated:")
            for child in body.delegated { Console.print("  \(HashID.short(child.hash))  → \(child.subject)  seats \(child.seats)") }
        case .licenses:
            let body: [APIBodies.LicenseSummary] = try target.call(local: { node in
                try node.issuedLicenses().map {
                    APIBodies.LicenseSummary(hash: $0.hash, customer: $0.payload.customer, country: $0.payload.country, product: $0.payload.product,
                                             model: $0.payload.model, seats: $0.payload.seats, iat: $0.payload.iat, exp: $0.payload.exp,
                                             renews: $0.payload.renews, license: $0.compact)
                }
            }, endpoint: .listLicenses)
            if json { try JSONOutput.print(body); return .success }
            for license in body {
                Console.print("  \(HashID.short(license.hash))  \(license.customer)  \(license.country)  \(license.product)  \(license.model)  seats \(license.seats)"
                              + (license.renews != nil ? "  (renewal)" : ""))
            }
        case .activations:
            let body: [APIBodies.ActivationSummary] = try target.call(local: { node in
                try node.activationRecords().map { activation, endedAt in
                    APIBodies.ActivationSummary(hash: activation.hash, license: activation.payload.license, serial: activation.payload.serial,
                                                kind: activation.payload.kind.rawValue, country: activation.payload.country,
                                                platform: activation.payload.platform, iat: activation.payload.iat, exp: activation.payload.exp,
                                                endedAt: endedAt, activation: activation.compact)
                }
            }, endpoint: .listActivations)
            if json { try JSONOutput.print(body); return .success }
            for activation in body {
                Console.print("  \(HashID.short(activation.hash))  license \(HashID.short(activation.license))  serial \(activation.serial)  \(activation.kind)  \(activation.country)  \(activation.platform)"
                              + (activation.endedAt != nil ? "  ended" : ""))
            }
        }
        return .success
    }
}
