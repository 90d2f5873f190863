import TollgateCommandLine

/// `tollgate root init`: the vendor's root authority node.
enum RootInitCommand: Command {
    static let spec = CommandSpec(
        name: "root init",
        abstract: "Create the vendor's root authority node: its key (the trust anchor) and its store.",
        discussion: "Hand <dir>/anchor.pub to every agent and embed it in your software: it is all the verifier needs.",
        options: [CommonOptions.dir.with(help: "Where the node lives.").required, name])

    static let name = CommonOptions.nodeName.with(help: "The node's name (default: root).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let directory = NodeDirectory(try arguments.required(CommonOptions.dir))
        let key = try directory.create(name: try arguments.value(Self.name) ?? "root", role: "root", anchor: nil)
        Console.print("""
            root node created in \(directory.url.path)
              trust anchor: \(directory.anchorURL.path)
              key id:       \(key.publicKey.thumbprint)
            """)
        return .success
    }
}
