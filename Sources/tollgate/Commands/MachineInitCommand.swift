import Foundation
import TollgateClient
import TollgateCommandLine
import TollgateCrypto

/// `tollgate machine init`: make a machine wallet for one vendor product.
enum MachineInitCommand: Command {
    static let spec = CommandSpec(
        name: "machine init",
        abstract: "Create a machine wallet: the vendor's key, this machine's key and its fingerprint.",
        discussion: "The machine key (mode 0600) is created on first use and kept on later runs. The fingerprint hashes "
            + "/etc/machine-id with the product id, so no raw identifier leaves the machine.",
        options: [
            MachineReport.dir.required,
            CommonOptions.anchor.with(help: "The vendor's (root's) public key.").required,
            CommonOptions.product.with(help: "The vendor's product this machine runs.").required,
        ])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let directory = URL(fileURLWithPath: try arguments.required(MachineReport.dir))
        let product = try arguments.required(CommonOptions.product)
        let anchorPath = try arguments.required(CommonOptions.anchor)
        let anchor: Ed25519PublicKey
        do {
            anchor = try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: anchorPath))
        } catch {
            throw CommandFailure("cannot read the vendor's key \(anchorPath): \(error)")
        }
        let wallet = try MachineReport.clientCall { () throws(ClientError) in
            try MachineWallet.create(at: directory, anchor: anchor, product: product)
        }
        Console.print("""
            machine wallet: \(wallet.directory.path)
              product:     \(wallet.product)
              vendor key:  \(wallet.anchor.keyID)
              machine key: \(wallet.machineKey.thumbprint) (key id)
              fingerprint: \(wallet.fingerprint.value)
            """)
        return .success
    }
}
