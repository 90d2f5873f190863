import Foundation
import TollgateCommandLine
import TollgateCrypto

/// `tollgate node init`: an agent node that will hold certificates from its parent.
enum NodeInitCommand: Command {
    static let spec = CommandSpec(
        name: "node init",
        abstract: "Create an agent node (general or regional): its key, the vendor's trust anchor and its store.",
        discussion: "Send <dir>/node.pub to the parent, who names it with 'tollgate delegate --\(DelegateCommand.subjectKey.name)'.",
        options: [
            CommonOptions.dir.with(help: "Where the node lives.").required,
            CommonOptions.nodeName.with(help: "The node's name, e.g. ga-europe.").required,
            CommonOptions.anchor.required,
        ])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let anchor = try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: try arguments.required(CommonOptions.anchor)))
        let directory = NodeDirectory(try arguments.required(CommonOptions.dir))
        let key = try directory.create(name: try arguments.required(CommonOptions.nodeName), role: "agent", anchor: anchor)
        Console.print("""
            agent node created in \(directory.url.path)
              public key: \(directory.publicKeyURL.path)
              key id:     \(key.publicKey.thumbprint)
            """)
        return .success
    }
}
