import TollgateCertificates
import TollgateClient
import TollgateCommandLine

/// `tollgate machine release`: give the lease back now.
enum MachineReleaseCommand: Command {
    static let spec = CommandSpec(
        name: "machine release",
        abstract: "Give this machine's lease back now, freeing its seat for another machine.",
        options: [MachineReport.dir.required, MachineReport.node.required, MachineReport.ca])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let wallet = try MachineReport.wallet(arguments)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required(MachineReport.node)
        let release = try MachineReport.clientCall { () throws(ClientError) in try client.release(nodeURL: node) }
        Console.print("RELEASED: lease \(HashID.short(release.payload.lease)) on serial \(release.payload.serial) ended at \(TimeText.iso(release.payload.iat))")
        return .success
    }
}
