// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets, one executable per parser that meets hostile input. Each main.swift only hands
// libFuzzer's input to a check in TollgateFuzzChecks (in the root package, by path), which the root
// package's replay tests also run on Corpus/ and FailCases/. Build and run with run.sh; the
// sanitizer flags come from there, not from this manifest.
let checks: [Target.Dependency] = [.product(name: "TollgateFuzzChecks", package: "Tollgate")]

let package = Package(
    name: "TollgateFuzz",
    dependencies: [.package(name: "Tollgate", path: "../..")],
    targets: [
        .executableTarget(name: "http-head", dependencies: checks),
        .executableTarget(name: "http-connection", dependencies: checks),
        .executableTarget(name: "jws", dependencies: checks),
        .executableTarget(name: "canonical-json", dependencies: checks),
        .executableTarget(name: "signed-note", dependencies: checks),
        .executableTarget(name: "scenario", dependencies: checks),
        .executableTarget(name: "request-files", dependencies: checks),
        .executableTarget(name: "push-body", dependencies: checks),
    ],
    swiftLanguageModes: [.v6]
)
