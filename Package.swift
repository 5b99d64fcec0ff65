// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "simfleet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "simfleet", targets: ["simfleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libyaml from the system (Debian: libyaml-dev).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // Pure domain values shared by every layer: ICC, states, desired SIMs, diagnostics.
        .target(name: "FleetModel"),
        // YAML manifests -> DesiredSIM values with source locations and diagnostics.
        .target(name: "Manifests", dependencies: ["CYAML", "FleetModel"]),
        // The command-line tool: flag parsing and wiring only.
        .executableTarget(
            name: "simfleet",
            dependencies: [
                "FleetModel", "Manifests",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Golden files and temporary folders for the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "FleetModelTests", dependencies: ["FleetModel"]),
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "FleetModel", "TestSupport"]),
        .testTarget(name: "SimfleetEndToEndTests", dependencies: ["simfleet", "FleetModel", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
