import Foundation
import TollgateCommandLine
import TollgateCrypto

/// `tollgate keygen`: a new Ed25519 key pair as PEM files.
enum KeygenCommand: Command {
    static let spec = CommandSpec(
        name: "keygen",
        abstract: "Create an Ed25519 key pair (PKCS#8 private key, mode 0600, and SPKI public key).",
        discussion: "Writes <out> and <out>.pub. Existing files are never overwritten.",
        options: [out.required])

    static let out = CommonOptions.out.with(help: "Where to write the private key.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let out = URL(fileURLWithPath: try arguments.required(Self.out))
        let publicOut = URL(fileURLWithPath: out.path + ".pub")
        for url in [out, publicOut] where FileManager.default.fileExists(atPath: url.path) {
            throw CommandFailure("\(url.path) already exists; refusing to overwrite a key")
        }
        let key = try Ed25519PrivateKey()
        try key.write(to: out)
        try key.publicKey.write(to: publicOut)
        Console.print("private key: \(out.path)\npublic key:  \(publicOut.path)\nkey id:      \(key.publicKey.thumbprint)")
        return .success
    }
}
