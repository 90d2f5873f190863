// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a target only ever depends on targets above it in this list:
//   C libraries (COpenSSL, CCurl, CSQLite, CEpoll)
//   TollgateCrypto        Ed25519, SHA-256, PEM, base64url, JWK thumbprints
//   TollgateHTTPMessages  HTTP request, response, header and status values (no I/O)
//   TollgateCertificates  signed objects (JWS) and the offline verifier
//   TollgateWire          the protocol's wire: every message body and the route table (Endpoint)
//   TollgateLedger        SQLite store, Merkle log, checkpoints
//   TollgateNode          sans-I/O node logic
//   TollgateAPI           the protocol: handlers bound to the route table, the one error mapping,
//                         the request path (NodeExecutor) and the sans-I/O sync round
//   TollgateHTTP          HTTP/1.1 server on POSIX sockets, libcurl client
//   TollgateService       the API served over TollgateHTTP; the sync round over libcurl
//   TollgateSimulation    deterministic multi-node simulator
//   tollgate              the command-line tool

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
        .target(name: "TollgateHTTPMessages"),
        .target(name: "TollgateCertificates", dependencies: ["TollgateCrypto"]),
        .target(name: "TollgateWire", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTPMessages"]),
        .target(name: "TollgateVectors", dependencies: ["TollgateCertificates"]),
        .target(name: "TollgateClient", dependencies: ["TollgateCertificates", "TollgateCrypto", "TollgateWire", "TollgateHTTPMessages", "TollgateHTTP"]),
        .target(name: "TollgateLedger", dependencies: ["TollgateCrypto", "CSQLite"]),
        // @ledger-targets
        .target(name: "TollgateHTTP", dependencies: ["COpenSSL", "CCurl", "CEpoll", "TollgateHTTPMessages"]),
        // @http-targets
        .target(name: "TollgateNode", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateWire", "TollgateLedger"]),
        .target(name: "TollgateAPI", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTPMessages", "TollgateWire",
                                                    "TollgateLedger", "TollgateNode"]),
        .target(name: "TollgateService", dependencies: ["TollgateCrypto", "TollgateHTTPMessages", "TollgateWire", "TollgateNode",
                                                        "TollgateAPI", "TollgateHTTP"]),
        .target(name: "TollgateSimulation", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTPMessages", "TollgateWire",
                                                           "TollgateLedger", "TollgateNode", "TollgateAPI"]),
        .executableTarget(name: "tollgate", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateVectors", "TollgateHTTPMessages", "TollgateWire", "TollgateNode", "TollgateAPI", "TollgateHTTP", "TollgateService", "TollgateClient", "TollgateSimulation"]),

        // Test support: what each fuzz target checks of one input, shared by Tests/Fuzz and the replay tests.
        .target(name: "TollgateFuzzChecks", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTPMessages", "TollgateWire",
                                                           "TollgateLedger", "TollgateNode", "TollgateHTTP", "TollgateClient", "TollgateSimulation"],
                path: "Tests/TollgateFuzzChecks"),

        .testTarget(name: "TollgateCryptoTests", dependencies: ["TollgateCrypto"]),
        .testTarget(name: "TollgateClientTests", dependencies: ["TollgateClient"]),
        .testTarget(name: "TollgateCertificatesTests", dependencies: ["TollgateCertificates", "TollgateVectors"]),
        .testTarget(name: "TollgateLedgerTests", dependencies: ["TollgateLedger"]),
        .testTarget(name: "TollgateNodeTests", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateWire", "TollgateLedger", "TollgateNode", "TollgateAPI"]),
        .testTarget(name: "TollgateSimulationTests", dependencies: ["TollgateSimulation", "TollgateNode", "TollgateCertificates", "TollgateHTTPMessages",
                                                               "TollgateWire", "TollgateLedger"]),
        .testTarget(name: "TollgateEndToEndTests", dependencies: ["TollgateHTTP", "TollgateCertificates", "TollgateCrypto", "TollgateNode", "TollgateService", "TollgateLedger"]),
        // @ledger-tests
        .testTarget(name: "TollgateHTTPTests", dependencies: ["TollgateHTTP"]),
        // @http-tests
        .testTarget(name: "TollgateFuzzReplayTests", dependencies: ["TollgateFuzzChecks"]),
    ],
    swiftLanguageModes: [.v6]
)
