import TollgateCertificates
import TollgateClient
import TollgateCommandLine
import TollgateNode

/// `tollgate machine lease`: take a floating seat from the lease server.
enum MachineLeaseCommand: Command {
    static let spec = CommandSpec(
        name: "machine lease",
        abstract: "Lease a floating seat from the lease server (the issuing agent or the license's site) and keep the verified lease.",
        discussion: "Asking again while holding a lease returns it. When every seat is leased the server refuses (no-seat-free) and names when "
            + "the first lease ends. Keep the lease alive with 'tollgate machine heartbeat' before it ends; a lease that ended less than "
            + "\(TimeText.duration(LicensingNode.leaseResurrectionWindow)) ago comes back with a heartbeat while no other machine took its seat.",
        options: MachineLeaseReport.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        try MachineLeaseReport.run(arguments, verb: "LEASED") { (client, node, country) throws(ClientError) in try client.lease(nodeURL: node, country: country) }
    }
}
