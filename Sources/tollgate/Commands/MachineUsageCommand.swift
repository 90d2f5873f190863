import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCommandLine
import TollgateWire

/// `tollgate machine usage upload|export|install`: the usage records of this machine on their way to
/// the agent, online or as a file, and the agent's signed receipt back.
enum MachineUsageCommand {
    static let group = CommandGroup("machine usage", abstract: "A metered license's usage records: to the agent online or as a file, and its receipt back.")
    static let all = Flag("all", help: "Send every record, not only those the last receipt does not cover (the agent skips what it holds).")

    static let upload = Subcommand(spec: CommandSpec(
        name: "machine usage upload",
        abstract: "Send this machine's usage records to the agent and install the signed receipt of the chain head it answers with.",
        options: [MachineReport.dir.required, MachineReport.node.required, MachineReport.ca],
        flags: [all])) { arguments in
        let wallet = try MachineReport.wallet(arguments)
        let client = try MachineReport.activationClient(arguments, wallet: wallet)
        let node = try arguments.required(MachineReport.node), everything = arguments.isSet(all)
        let result = try MachineReport.clientCall { () throws(ClientError) in try client.uploadUsage(nodeURL: node, everything: everything) }
        return report(result)
    }

    static let export = Subcommand(spec: CommandSpec(
        name: "machine usage export",
        abstract: "Write this machine's usage records to a file for the agent's operator ('tollgate answer-usage'), for a machine offline.",
        options: [MachineReport.dir.required, CommonOptions.out.with(help: "Where to write the usage file.").required],
        flags: [all])) { arguments in
        let wallet = try MachineReport.wallet(arguments)
        let out = URL(fileURLWithPath: try arguments.required(CommonOptions.out))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let everything = arguments.isSet(all)
        let upload = try MachineReport.clientCall { () throws(ClientError) in try wallet.usageUpload(everything: everything) }
        try upload.encoded().write(to: out, options: .withoutOverwriting)
        Console.print("wrote \(upload.records.count) usage records to \(out.path); bring it to the agent, then install the receipt file with 'machine usage install'")
        return .success
    }

    static let install = Subcommand(spec: CommandSpec(
        name: "machine usage install",
        abstract: "Install the receipt file the agent's operator answered a usage file with.",
        options: [MachineReport.dir.required],
        positionals: [receiptFile])) { arguments in
        let wallet = try MachineReport.wallet(arguments)
        let path = arguments.value(of: receiptFile)
        let result: UsageUploadResult
        do {
            result = try UsageUploadResult(data: readFile(path, what: "usage receipt file"))
        } catch let error as WireError {
            throw CommandFailure("\(path): \(error.reason)")
        }
        let now = TimeArgument.now
        // A forked chain's receipt names the agent's head, which this machine does not hold.
        if result.forked.isEmpty { _ = try MachineReport.clientCall { () throws(ClientError) in try wallet.installUsageResult(result, at: now) } }
        return report(result)
    }

    static let receiptFile = Positional("receipt-file", help: "The receipt file from the agent.")

    static let subcommands = [upload, export, install]

    private static func report(_ result: UsageUploadResult) -> ExitCode {
        let receipt = try? SignedUsageReceipt(compact: result.receipt)
        var line = "the agent logged \(result.accepted) new records (\(result.duplicates) it held already)"
        if let receipt { line += "; receipt for record \(receipt.payload.seq) (\(HashID.short(receipt.payload.head))) at its log index \(receipt.payload.logIndex)" }
        Console.print(line)
        guard result.forked.isEmpty else {
            Console.error("this machine's chain FORKS the one the agent logged (\(result.forked.count) record(s) after a predecessor it already holds another successor of): "
                          + "the wallet was restored from an older state; the agent kept the fork as evidence")
            return .failure
        }
        return .success
    }
}
