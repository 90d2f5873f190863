// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a target only ever depends on targets above it in this list, and declares
// every one of our modules it imports (TollgateManifestTests checks both):
//   COpenSSL, CCurl, CSQLite, CEpoll   system C libraries (module maps over OpenSSL, libcurl, SQLite, epoll)
//   TollgateCrypto        Ed25519, SHA-256, PEM, base64url, JWK thumbprints
//   TollgateCertificates  signed objects (JWS) and the offline verifier
//   TollgateVectors       the published verification test vectors
//   TollgateLedger        SQLite store, Merkle log, checkpoints
//   TollgateNode          sans-I/O node logic
//   TollgateHTTP          HTTP/1.1 server on POSIX sockets, libcurl client
//   TollgateClient        the library a licensed product embeds: activation, the machine wallet
//   TollgateService       the node's HTTP API over TollgateHTTP
//   TollgateSimulation    deterministic multi-node simulator
//   tollgate              the command-line tool
//   TollgateFuzzChecks    what each fuzz target checks of one input (Tests/Fuzz and the replay tests)
//   TollgateTestSupport   helpers the test targets share (seeded generator, raw socket, cheats)
//   test targets          TollgateCryptoTests, TollgateCertificatesTests, TollgateLedgerTests,
//                         TollgateNodeTests, TollgateHTTPTests, TollgateClientTests,
//                         TollgateSimulationTests, TollgateEndToEndTests, TollgateFuzzReplayTests,
//                         TollgateManifestTests

let package = Package(
    name: "Tollgate",
    products: [
        .executable(name: "tollgate", targets: ["tollgate"]),
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
        .target(name: "TollgateVectors", dependencies: ["TollgateCertificates", "TollgateCrypto"]),
        .target(name: "TollgateClient", dependencies: ["TollgateCertificates", "TollgateCrypto", "TollgateHTTP"]),
        .target(name: "TollgateLedger", dependencies: ["TollgateCrypto", "CSQLite"]),
        .target(name: "TollgateHTTP", dependencies: ["COpenSSL", "CCurl", "CEpoll"]),
        .target(name: "TollgateNode", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateLedger"]),
        .target(name: "TollgateService", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateLedger", "TollgateNode", "TollgateHTTP"]),
        .target(name: "TollgateSimulation", dependencies: ["TollgateNode", "TollgateCertificates", "TollgateCrypto", "TollgateLedger"]),
        .executableTarget(name: "tollgate", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateVectors", "TollgateLedger", "TollgateNode", "TollgateHTTP", "TollgateService", "TollgateClient", "TollgateSimulation"]),

        // Test support: what each fuzz target checks of one input, shared by Tests/Fuzz and the replay tests.
        .target(name: "TollgateFuzzChecks", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateLedger", "TollgateNode",
                                                           "TollgateHTTP", "TollgateClient", "TollgateSimulation"],
                path: "Tests/TollgateFuzzChecks"),
        // Test support: the helpers every test target shares, one copy each (used only by test targets).
        .target(name: "TollgateTestSupport", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateLedger", "TollgateNode", "TollgateHTTP"],
                path: "Tests/TollgateTestSupport"),

        .testTarget(name: "TollgateCryptoTests", dependencies: ["TollgateCrypto", "TollgateTestSupport"]),
        .testTarget(name: "TollgateClientTests", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTP", "TollgateClient", "TollgateTestSupport"]),
        .testTarget(name: "TollgateCertificatesTests", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateVectors", "TollgateTestSupport"]),
        .testTarget(name: "TollgateLedgerTests", dependencies: ["CSQLite", "TollgateCrypto", "TollgateLedger", "TollgateTestSupport"]),
        .testTarget(name: "TollgateNodeTests", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateLedger", "TollgateNode", "TollgateTestSupport"]),
        .testTarget(name: "TollgateSimulationTests", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateNode", "TollgateSimulation"]),
        .testTarget(name: "TollgateEndToEndTests", dependencies: ["TollgateHTTP", "TollgateCertificates", "TollgateCrypto", "TollgateNode", "TollgateService", "TollgateLedger",
                                                             "TollgateTestSupport"]),
        .testTarget(name: "TollgateHTTPTests", dependencies: ["TollgateHTTP", "TollgateTestSupport"]),
        .testTarget(name: "TollgateFuzzReplayTests", dependencies: ["TollgateFuzzChecks"]),
        .testTarget(name: "TollgateManifestTests", dependencies: ["TollgateTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
