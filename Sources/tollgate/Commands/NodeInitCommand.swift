import Foundation
import TollgateCrypto

/// `tollgate node init`: an agent node that will hold certificates from its parent.
enum NodeInitCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "node init",
        abstract: "Create an agent node (general or regional): its key, the vendor's trust anchor and its store.",
        discussion: "Send <dir>/node.pub to the parent, who names it with 'tollgate delegate --subject-key'.",
        options: [
            .init(name: "dir", value: "directory", help: "Where the node lives.", required: true),
            .init(name: "name", value: "name", help: "The node's name, e.g. ga-europe.", required: true),
            .init(name: "anchor", value: "public-key.pem", help: "The vendor's trust anchor (the root's anchor.pub).", required: true),
        ])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let anchor = try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: try arguments.required("anchor")))
        let directory = NodeDirectory(try arguments.required("dir"))
        let key = try directory.create(name: try arguments.required("name"), role: "agent", anchor: anchor)
        Console.print("""
            agent node created in \(directory.url.path)
              public key: \(directory.publicKeyURL.path)
              key id:     \(key.publicKey.thumbprint)
            """)
        return .success
    }
}
