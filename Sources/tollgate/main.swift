import Foundation
import TollgateCommandLine

/// Every subcommand of `tollgate`, in the order the help lists them, and the groups they form.
let tollgate = CommandLineTool(
    name: "tollgate",
    abstract: "Tollgate — signed license quota for a reseller channel, verifiable offline.",
    version: ToolVersion.current,
    groups: [
        CommandGroup("root", abstract: "The vendor's root authority node."),
        CommandGroup("node", abstract: "Agent nodes: create one, serve its HTTP API."),
        ListCommand.group,
        ReportCommand.group,
        CommandGroup("machine", abstract: "A customer's machine: its wallet, activation online or by file, and the offline check."),
        MachineUsageCommand.group,
        WebhookCommand.group,
        CommandGroup("site", abstract: "A site node inside a closed network: bound to a floating license by files, its log carried out as a file."),
        CommandGroup("sim", abstract: "Deterministic simulations of the channel under faults and cheats."),
    ],
    commands: [
        KeygenCommand.subcommand,
        RootInitCommand.subcommand,
        NodeInitCommand.subcommand,
        AcceptCommand.subcommand,
        DelegateCommand.subcommand,
        IssueCommand.subcommand,
        RenewCommand.subcommand,
        UpgradeCommand.subcommand,
        DowngradeCommand.subcommand,
        AddonCommand.subcommand,
        ConvertCommand.subcommand,
        ReturnCommand.subcommand,
        RevokeCommand.subcommand,
        TransferCommand.subcommand,
        ReceiveCommand.subcommand,
        AnswerCommand.subcommand,
        AnswerUsageCommand.subcommand,
    ] + ListCommand.subcommands + [
        SyncCommand.subcommand,
        AuditCommand.subcommand,
        ObserveCommand.subcommand,
    ] + ReportCommand.subcommands + WebhookCommand.subcommands + [
        NodeServeCommand.subcommand,
        VerifyCommand.subcommand,
        MachineInitCommand.subcommand,
        MachineRequestCommand.subcommand,
        MachineInstallCommand.subcommand,
        MachineActivateCommand.subcommand,
        MachineDeactivateCommand.subcommand,
        MachineEmergencyCommand.subcommand,
        MachineLeaseCommand.subcommand,
        MachineHeartbeatCommand.subcommand,
        MachineBorrowCommand.subcommand,
        MachineReleaseCommand.subcommand,
        SiteRequestCommand.subcommand,
        SiteBindCommand.subcommand,
        SiteActivateCommand.subcommand,
        SiteExportCommand.subcommand,
        SiteIngestCommand.subcommand,
        MachineStatusCommand.subcommand,
        MachineCheckCommand.subcommand,
        MachineUseCommand.subcommand,
    ] + MachineUsageCommand.subcommands + [
        VectorsCommand.subcommand,
        SimRunCommand.subcommand,
        SimSweepCommand.subcommand,
    ])

exit(tollgate.run(Array(CommandLine.arguments.dropFirst())).rawValue)
