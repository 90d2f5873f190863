import Foundation
import TollgateCertificates

/// `tollgate accept`: an agent takes the certificate its parent delegated to it.
enum AcceptCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "accept",
        abstract: "Verify a delegated certificate chain against the trust anchor and hold it in this node.",
        options: [.init(name: "dir", value: "directory", help: "The agent node.", required: true)],
        positionals: [.init(name: "chain-file", help: "The chain file written by 'tollgate delegate'.")])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let node = try NodeDirectory(try arguments.required("dir")).open()
        let chain = try CertificateChain(data: readFile(arguments.positional(0)!, what: "certificate chain"))
        let held = try node.accept(chain: chain.chain, at: TimeArgument.now)
        let payload = held.payload
        Console.print("""
            holding certificate \(held.hash.prefix(12)) for \(payload.sub)
              seats:     \(payload.seats) — \(payload.seats.count) serials
              countries: \(payload.countries.joined(separator: ", "))
              products:  \(payload.products.sorted { $0.key < $1.key }.map { "\($0.key) [\($0.value.joined(separator: ", "))]" }.joined(separator: "; "))
              models:    \(payload.models.joined(separator: ", "))
              floors:    \(payload.priceFloor.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
              depth:     \(payload.depth), window \(TimeArgument.format(payload.nbf)) – \(TimeArgument.format(payload.exp))
            """)
        return .success
    }
}
