// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a target only ever depends on targets above it in this list, and declares
// every one of our modules it imports (TollgateManifestTests checks both):
//   COpenSSL, CCurl, CSQLite, CEpoll   system C libraries (module maps over OpenSSL, libcurl, SQLite, epoll)
//   TollgateCrypto        Ed25519, SHA-256, PEM, base64url, JWK thumbprints
//   TollgateHTTPMessages  HTTP request, response, header and status values (no I/O)
//   TollgateCertificates  signed objects (JWS) and the offline verifier
//   TollgateWire          the protocol's wire: every message body and the route table (Endpoint)
//   TollgateVectors       the published verification test vectors
//   TollgateLedger        SQLite store, Merkle log, checkpoints
//   TollgateNode          sans-I/O node logic
//   TollgateAPI           the protocol: handlers bound to the route table, the one error mapping,
//                         the request path (NodeExecutor) and the sans-I/O sync round
//   TollgateHTTP          HTTP/1.1 server on POSIX sockets, libcurl client
//   TollgateClient        the library a licensed product embeds: activation, the machine wallet
//   TollgateC             libtollgate: the offline check as a stable C ABI (Deploy/build-libtollgate.sh)
//   TollgateService       the API served over TollgateHTTP; the sync round over libcurl
//   TollgateSimulation    deterministic multi-node simulator
//   TollgateConsole       the read-only web console: server-rendered HTML pages and sessions (sans-I/O)
//   TollgateCommandLine   typed options, parsing, help and dispatch shared by the two executables
//                         (suggestions by TollgateCertificates' EditDistance, which the node shares)
//   tollgate              the command-line tool
//   tollgate-bench        the benchmarks, kept out of the production binary
//   TollgateFuzzChecks    what each fuzz target checks of one input (Tests/Fuzz and the replay tests)
//   TollgateTestSupport   helpers the test targets share (seeded generator, raw socket, cheats)
//   test targets          TollgateCryptoTests, TollgateCertificatesTests, TollgateLedgerTests,
//                         TollgateNodeTests, TollgateHTTPTests, TollgateClientTests,
//                         TollgateSimulationTests, TollgateEndToEndTests, TollgateFuzzReplayTests,
//                         TollgateServiceTests, TollgateManifestTests, TollgateCommandLineTests,
//                         TollgateConsoleTests

let package = Package(
    name: "Tollgate",
    products: [
        .executable(name: "tollgate", targets: ["tollgate"]),
        .executable(name: "tollgate-bench", targets: ["tollgate-bench"]),
        .library(name: "TollgateCertificates", targets: ["TollgateCertificates"]),
        // libtollgate for C, C++, Python...: Deploy/build-libtollgate.sh links this product's objects with the
        // Swift runtime inside into libtollgate.so and libtollgate.a ("tollgate" is the executable's name here).
        .library(name: "libtollgate", type: .static, targets: ["TollgateC"]),
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
        .target(name: "TollgateVectors", dependencies: ["TollgateCrypto", "TollgateCertificates"]),
        .target(name: "TollgateClient", dependencies: ["TollgateCertificates", "TollgateCrypto", "TollgateWire", "TollgateHTTPMessages", "TollgateHTTP"]),
        .target(name: "TollgateC", dependencies: ["TollgateCertificates", "TollgateCrypto", "TollgateWire", "TollgateClient"],
                exclude: ["tollgate.h", "tollgate.exports"]),
        .target(name: "TollgateLedger", dependencies: ["TollgateCrypto", "CSQLite"]),
        .target(name: "TollgateHTTP", dependencies: ["TollgateCrypto", "COpenSSL", "CCurl", "CEpoll", "TollgateHTTPMessages"]),
        .target(name: "TollgateNode", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateWire", "TollgateLedger"]),
        .target(name: "TollgateAPI", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTPMessages", "TollgateWire",
                                                    "TollgateLedger", "TollgateNode"]),
        .target(name: "TollgateService", dependencies: ["TollgateCrypto", "TollgateHTTPMessages", "TollgateWire", "TollgateNode", "TollgateAPI", "TollgateHTTP"]),
        .target(name: "TollgateSimulation", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTPMessages", "TollgateWire", "TollgateLedger",
                                                           "TollgateNode", "TollgateAPI"]),
        .target(name: "TollgateConsole", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTPMessages", "TollgateWire",
                                                        "TollgateNode", "TollgateAPI"]),
        .target(name: "TollgateCommandLine", dependencies: ["TollgateCertificates"]),
        .executableTarget(name: "tollgate", dependencies: ["TollgateCommandLine", "TollgateCrypto", "TollgateCertificates", "TollgateVectors", "TollgateHTTPMessages", "TollgateWire", "TollgateLedger", "TollgateNode", "TollgateAPI", "TollgateHTTP", "TollgateService", "TollgateClient", "TollgateSimulation", "TollgateConsole"]),
        .executableTarget(name: "tollgate-bench", dependencies: ["TollgateCommandLine", "TollgateCrypto", "TollgateCertificates", "TollgateVectors",
                                                                 "TollgateHTTPMessages", "TollgateWire", "TollgateLedger", "TollgateNode",
                                                                 "TollgateAPI", "TollgateHTTP", "TollgateService", "TollgateSimulation",
                                                                 "TollgateConsole"]),

        // Test support: what each fuzz target checks of one input, shared by Tests/Fuzz and the replay tests.
        .target(name: "TollgateFuzzChecks", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateHTTPMessages", "TollgateWire",
                                                           "TollgateLedger", "TollgateNode", "TollgateHTTP", "TollgateClient", "TollgateSimulation"],
                path: "Tests/TollgateFuzzChecks"),
        // Test support: the helpers every test target shares, one copy each (used only by test targets).
        .target(name: "TollgateTestSupport", dependencies: ["TollgateCrypto", "TollgateHTTPMessages", "TollgateCertificates", "TollgateLedger", "TollgateNode"],
                path: "Tests/TollgateTestSupport"),

        .testTarget(name: "TollgateCryptoTests", dependencies: ["TollgateCrypto", "TollgateTestSupport"]),
        .testTarget(name: "TollgateClientTests", dependencies: ["TollgateCrypto", "TollgateHTTPMessages", "TollgateCertificates", "TollgateWire", "TollgateHTTP",
                                                             "TollgateClient", "TollgateTestSupport"]),
        .testTarget(name: "TollgateCertificatesTests", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateVectors", "TollgateTestSupport"]),
        .testTarget(name: "TollgateLedgerTests", dependencies: ["CSQLite", "TollgateCrypto", "TollgateLedger", "TollgateTestSupport"]),
        .testTarget(name: "TollgateNodeTests", dependencies: ["TollgateCrypto", "TollgateCertificates", "TollgateWire", "TollgateLedger", "TollgateNode", "TollgateAPI",
                                                           "TollgateTestSupport"]),
        .testTarget(name: "TollgateSimulationTests", dependencies: ["TollgateCrypto", "TollgateHTTPMessages", "TollgateCertificates", "TollgateWire",
                                                                 "TollgateLedger", "TollgateNode", "TollgateSimulation"]),
        .testTarget(name: "TollgateEndToEndTests", dependencies: ["TollgateCrypto", "TollgateHTTPMessages", "TollgateCertificates", "TollgateWire", "TollgateLedger",
                                                               "TollgateNode", "TollgateAPI", "TollgateHTTP", "TollgateService", "TollgateSimulation",
                                                               "TollgateTestSupport"]),
        .testTarget(name: "TollgateHTTPTests", dependencies: ["TollgateHTTPMessages", "TollgateHTTP", "TollgateTestSupport"]),
        .testTarget(name: "TollgateFuzzReplayTests", dependencies: ["TollgateFuzzChecks"]),
        .testTarget(name: "TollgateManifestTests", dependencies: ["TollgateTestSupport"]),
        .testTarget(name: "TollgateServiceTests", dependencies: ["TollgateCrypto", "TollgateHTTPMessages", "TollgateCertificates", "TollgateWire",
                                                              "TollgateLedger", "TollgateNode", "TollgateAPI", "TollgateHTTP", "TollgateService",
                                                              "TollgateTestSupport"]),
        .testTarget(name: "TollgateCommandLineTests", dependencies: ["TollgateCommandLine", "TollgateTestSupport"]),
        .testTarget(name: "TollgateConsoleTests", dependencies: ["TollgateCrypto", "TollgateHTTPMessages", "TollgateCertificates", "TollgateWire",
                                                              "TollgateLedger", "TollgateNode", "TollgateAPI", "TollgateConsole"]),
    ],
    swiftLanguageModes: [.v6]
)
