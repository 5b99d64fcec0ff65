// swift-tools-version:6.0
// libFuzzer harnesses, a package of their own so the main build is unaffected.
// Build and run them with ./run.sh SECONDS (see README.md there).
import PackageDescription

let harnesses = ["manifest", "config", "planfile", "json", "status"]

let package = Package(
    name: "simfleet-fuzz",
    dependencies: [.package(name: "simfleet", path: "../..")],
    targets: harnesses.map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: [.product(name: "FuzzChecks", package: "simfleet")],
            path: "Harnesses/\(name)"
        )
    }
)
