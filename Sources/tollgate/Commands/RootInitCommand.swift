/// `tollgate root init`: the vendor's root authority node.
enum RootInitCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "root init",
        abstract: "Create the vendor's root authority node: its key (the trust anchor) and its store.",
        discussion: "Hand <dir>/anchor.pub to every agent and embed it in your software: it is all the verifier needs.",
        options: [
            .init(name: "dir", value: "directory", help: "Where the node lives.", required: true),
            .init(name: "name", value: "name", help: "The node's name (default: root)."),
        ])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let directory = NodeDirectory(try arguments.required("dir"))
        let key = try directory.create(name: arguments.value("name") ?? "root", role: "root", anchor: nil)
        Console.print("""
            root node created in \(directory.url.path)
              trust anchor: \(directory.anchorURL.path)
              key id:       \(key.publicKey.thumbprint)
            """)
        return .success
    }
}
