// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a target only ever depends on targets above it in this list:
//   C libraries (COpenSSL, CCurl, CSQLite, CEpoll)
//   TollgateCrypto        Ed25519, SHA-256, PEM, base64url, JWK thumbprints
//   TollgateCertificates  signed objects (JWS) and the offline verifier
//   TollgateLedger        SQLite store, Merkle log, checkpoints
//   TollgateNode          sans-I/O node logic
//   TollgateHTTP          HTTP/1.1 server on POSIX sockets, libcurl client
//   TollgateService       the node's HTTP API over TollgateHTTP
//   TollgateSimulation    deterministic multi-node simulator
//   TollgateCommandLine   typed options, parsing, help and dispatch shared by the two executables
//   tollgate              the command-line tool
//   tollgate-bench        the benchmarks, kept out of the production binary

let package = Package(
    name: "Tollgate",
    products: [
        .executable(name: "tollgate", targets: ["tollgate"]),
        .executable(name: "tollgate-bench", targets: ["tollgate-bench"]),
        .library(name: "TollgateCertificates", targets: ["TollgateCertificates"]),
        // The fuzz targets' checks, for the libFuzzer package in Tests/Fuzz (which depends on this one by path).
        .library(name: "TollgateFuzzChecks", targets: ["TollgateFuzzChecks"]),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),

        .target(name: "TollgateCrypto", dependencies: ["COpenSSL"]),
        .target(name: "TollgateCertificates", dependencies: ["TollgateCrypto"]),
        .target(name: "TollgateVectors", dependencies: ["TollgateCertificates"]),
        .target(name: "TollgateClient", dependencies: ["TollgateCertificates", "TollgateCrypto", "TollgateHTTP"]),
        .target(name: "TollgateLedger", dependencies: ["TollgateCrypto", "CSQLite"]),
        // @ledger-targets
        .target(name: "TollgateHTTP", dependencies: ["COpenSSL", "CCurl", "CEpoll"]),
        // @http-targets
        .target(name: "TollgateNode", dependencies: ["TollgateCertificates", "TollgateLedger"]),
        .target(name: "TollgateService", dependencies: ["TollgateNode", "TollgateHTTP"]),
        .target(name: "TollgateSimulation", dependencies: ["TollgateNode", "TollgateCertificates", "TollgateCrypto", "TollgateLedger"]),
        .target(name: "TollgateCommandLine"),
        .executableTarget(name: "tollgate", dependencies: ["TollgateCommandLine", "TollgateCrypto", "TollgateCertificates", "TollgateVectors", "TollgateNode", "TollgateHTTP", "TollgateService", "TollgateClient", "TollgateSimulation"]),
        .executableTarget(name: "tollgate-bench", dependencies: ["TollgateCommandLine", "TollgateCrypto", "TollgateCertificates", "TollgateVectors",
                                                                 "TollgateLedger", "TollgateNode", "TollgateHTTP", "TollgateService"]),

        // Test support: what each fuzz target checks of one input, shared by Tests/Fuzz and the replay tests.
        .target(name: "TollgateFuzzChecks", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateLedger", "TollgateNode",
                                                           "TollgateHTTP", "TollgateClient", "TollgateSimulation"],
                path: "Tests/TollgateFuzzChecks"),

        .testTarget(name: "TollgateCryptoTests", dependencies: ["TollgateCrypto"]),
        .testTarget(name: "TollgateClientTests", dependencies: ["TollgateClient"]),
        .testTarget(name: "TollgateCertificatesTests", dependencies: ["TollgateCertificates", "TollgateVectors"]),
        .testTarget(name: "TollgateLedgerTests", dependencies: ["TollgateLedger"]),
        .testTarget(name: "TollgateNodeTests", dependencies: ["TollgateNode"]),
        .testTarget(name: "TollgateSimulationTests", dependencies: ["TollgateSimulation", "TollgateNode", "TollgateCertificates"]),
        .testTarget(name: "TollgateEndToEndTests", dependencies: ["TollgateHTTP", "TollgateCertificates", "TollgateCrypto", "TollgateNode", "TollgateService", "TollgateLedger"]),
        // @ledger-tests
        .testTarget(name: "TollgateHTTPTests", dependencies: ["TollgateHTTP"]),
        // @http-tests
        .testTarget(name: "TollgateFuzzReplayTests", dependencies: ["TollgateFuzzChecks"]),
        .testTarget(name: "TollgateCommandLineTests", dependencies: ["TollgateCommandLine"]),
    ],
    swiftLanguageModes: [.v6]
)
