import Foundation
import TollgateCommandLine

/// The benchmarks, out of the production binary: each measures a rate against raw Ed25519 on the
/// same machine in the same run, so the figures compare across machines as ratios.
let bench = CommandLineTool(
    name: "tollgate-bench",
    abstract: "Tollgate's benchmarks, each against raw Ed25519 in the same run. Build with 'swift build -c release' first.",
    commands: [
        LicenseBenchCommand.subcommand,
        LibraryBenchCommand.subcommand,
        HeldCertificatesBenchCommand.subcommand,
        IngestBenchCommand.subcommand,
        HTTPBenchCommand.subcommand,
        LeaseBenchCommand.subcommand,
        UsageIngestBenchCommand.subcommand,
        BulkBenchCommand.subcommand,
        IdleClientsCommand.subcommand,
        ConsoleBenchCommand.subcommand,
    ])

exit(bench.run(Array(CommandLine.arguments.dropFirst())).rawValue)
