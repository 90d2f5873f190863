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
            role,
        ])

    /// `agent` holds certificates from its parent; `site` holds none and serves the leases of the
    /// floating license it is bound to ('tollgate site request', then 'tollgate site bind').
    enum Role: String, CaseIterable, Sendable {
        case agent, site
    }

    static let role = Option<Role>("role", help: "What the node is (default agent).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let anchor = try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: try arguments.required(CommonOptions.anchor)))
        let directory = NodeDirectory(try arguments.required(CommonOptions.dir))
        let role = (try arguments.value(Self.role) ?? .agent).rawValue
        let key = try directory.create(name: try arguments.required(CommonOptions.nodeName), role: role, anchor: anchor)
        Console.print("""
            \(role) node created in \(directory.url.path)
              public key: \(directory.publicKeyURL.path)
              key id:     \(key.publicKey.thumbprint)
            """)
        return .success
    }
}
