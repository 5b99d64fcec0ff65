// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "simfleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "simfleet", targets: ["simfleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
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
        // Pure: desired SIMs + observed statuses + policy -> Plan; renderers. No I/O.
        .target(name: "Planning", dependencies: ["FleetModel", "NexConAPI"]),
        // NexCon's wire format: request and response bodies, shared by client and simulator.
        .target(name: "NexConAPI"),
        // The HTTP client for NexCon: auth, retries, pacing, the status sweep.
        .target(
            name: "NexConClient",
            dependencies: [
                "FleetModel", "NexConAPI", "Planning",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        // Apply: waves, compare-and-act, job waits, the journal.
        .target(name: "Reconciler", dependencies: ["FleetModel", "NexConAPI", "NexConClient", "Planning"]),
        // A stand-in NexCon server: lifecycle, async jobs, callbacks, rate limits and faults.
        .target(
            name: "NexConSimulator",
            dependencies: [
                "NexConAPI", "FleetModel", "Manifests",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command-line tool: flag parsing and wiring only.
        .executableTarget(
            name: "simfleet",
            dependencies: [
                "FleetModel", "Manifests", "NexConSimulator", "NexConClient", "Planning", "Reconciler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Golden files and temporary folders for the test targets.
        .target(
            name: "TestSupport",
            dependencies: [
                "NexConSimulator", "FleetModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "FleetModelTests", dependencies: ["FleetModel"]),
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "FleetModel", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "FleetModel", "NexConAPI", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "NexConClientTests",
            dependencies: [
                "NexConClient", "NexConSimulator", "Planning", "FleetModel", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "NexConSimulatorTests",
            dependencies: [
                "NexConSimulator", "NexConAPI", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: ["Reconciler", "Planning", "FleetModel", "NexConAPI", "NexConClient", "NexConSimulator", "TestSupport"]
        ),
        .testTarget(
            name: "SimfleetEndToEndTests",
            dependencies: [
                "simfleet", "FleetModel", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
