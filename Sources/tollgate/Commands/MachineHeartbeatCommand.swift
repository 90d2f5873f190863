import TollgateClient
import TollgateCommandLine

/// `tollgate machine heartbeat`: extend the lease held.
enum MachineHeartbeatCommand: Command {
    static let spec = CommandSpec(
        name: "machine heartbeat",
        abstract: "Extend this machine's lease with a fresh one on the same seat.",
        discussion: "Refused with lease-expired once the lease was released, or ended past the resurrection window, or its seat went to another machine.",
        options: MachineLeaseReport.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        try MachineLeaseReport.run(arguments, verb: "EXTENDED") { (client, node, _) throws(ClientError) in try client.heartbeat(nodeURL: node) }
    }
}
