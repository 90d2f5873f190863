import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateService
import TollgateAPI
import TollgateWire

/// `tollgate accept`: an agent takes the certificate its parent delegated to it.
enum AcceptCommand: Command {
    static let spec = CommandSpec(
        name: "accept",
        abstract: "Verify a delegated certificate chain against the trust anchor and hold it in this node.",
        options: NodeTarget.options,
        positionals: [chainFile])

    static let chainFile = Positional("chain-file", help: "The chain file written by 'tollgate delegate'.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let chain = try CertificateChain(data: readFile(arguments.value(of: Self.chainFile), what: "certificate chain"))
        let summary: APIBodies.HeldCertificateBody = try target.call(
            local: { APIBodies.HeldCertificateBody(try $0.accept(chain: chain.chain, at: TimeArgument.now)) },
            endpoint: .acceptCertificate, body: APIBodies.ChainBody(chain: chain.chain))
        let held = try SignedCertificate(compact: summary.chain[summary.chain.count - 1])
        let payload = held.payload
        Console.print("""
            holding certificate \(HashID.short(held.hash)) for \(payload.sub)
              seats:     \(payload.seats) — \(payload.seats.count) serials
              countries: \(payload.countries.joined(separator: ", "))
              products:  \(payload.products.sorted { $0.key < $1.key }.map { "\($0.key) [\($0.value.joined(separator: ", "))]" }.joined(separator: "; "))
              models:    \(payload.models.joined(separator: ", "))
              floors:    \(payload.priceFloor.sorted { $0.key < $1.key }.map { "\(Price(currency: $0.key, amount: $0.value))" }.joined(separator: ", "))
              depth:     \(payload.depth), window \(TimeText.iso(payload.nbf)) – \(TimeText.iso(payload.exp))
              sync:      within \(TimeText.duration(payload.syncWithin)) of the last sync
            """)
        return .success
    }
}
