// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "simfleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "simfleet", targets: ["simfleet"]),
        // For the fuzz package in Tests/Fuzz, which builds with sanitizers on its own.
        .library(name: "FuzzChecks", targets: ["FuzzChecks"]),
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
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        // Tests only: clocks the progress line and the reconciler's waits run on in tests.
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
    ],
    targets: [
        // libyaml from the system (Debian: libyaml-dev).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // Pure domain values shared by every layer: ICC, states, actions, desired SIMs,
        // observations, diagnostics, JSON values and the JSON writer.
        .target(name: "FleetModel"),
        // The machine's edges every command shares, with no server code: atomic files,
        // durations, timestamps, loopback hosts.
        .target(name: "Platform", dependencies: [.product(name: "SystemPackage", package: "swift-system")]),
        // libyaml's events and a small node tree, with source locations; the one place
        // that calls libyaml. Read by the manifests and the simulator's seed files.
        .target(name: "YAML", dependencies: ["CYAML", "FleetModel", "Platform"]),
        // YAML manifests and simfleet.yaml -> DesiredSIM values and settings, with source
        // locations and diagnostics.
        .target(name: "Manifests", dependencies: ["FleetModel", "Platform", "YAML"]),
        // Pure: desired SIMs + observed statuses + policy -> Plan; the policy's verdicts; the
        // plan file's format and its checks. No I/O; Views renders plans.
        .target(name: "Planning", dependencies: ["FleetModel", .product(name: "Crypto", package: "swift-crypto")]),
        // The manifests as they were at a commit, read through the git program, for --changed-since.
        .target(name: "GitHistory", dependencies: ["FleetModel", "Manifests", "Planning", "Platform"]),
        // The one HTTP stack (AsyncHTTPClient) as every client sets it up: HTTP/1.1, no
        // redirects, no decompression, TLS with an optional corporate CA, and the proxy
        // HTTPS_PROXY, HTTP_PROXY and NO_PROXY name.
        .target(
            name: "HTTPStack",
            dependencies: [
                "Platform",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // NexCon's paths and the bodies the simulator writes and its tests read; the client
        // reads answers tolerantly by key instead (see NexConAPI.swift).
        .target(name: "NexConAPI", dependencies: ["FleetModel"]),
        // The HTTP client for NexCon: auth, retries and backoff on an injected clock, pacing,
        // the status sweep, and redaction of answers, over the one HTTP stack.
        .target(
            name: "NexConClient",
            dependencies: [
                "FleetModel", "HTTPStack", "NexConAPI", "Platform",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Apply: one step's decisions as a pure state machine, the loop that performs them
        // (waves, compare-and-act, job waits), the journal, the apply lock and the report.
        .target(
            name: "Reconciler",
            dependencies: ["FleetModel", "Planning", "Platform", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // A stand-in NexCon server: lifecycle, async jobs, callbacks, rate limits and faults.
        .target(
            name: "NexConSimulator",
            dependencies: [
                "HTTPStack", "NexConAPI", "FleetModel", "Platform", "YAML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Everything a person or a program reads: plan, apply, validate and show in text,
        // markdown, JSON and GitHub annotations, with one escaping helper per format.
        .target(name: "Views", dependencies: ["FleetModel", "Manifests", "Planning", "Platform", "Reconciler"]),
        // GitHub's REST API for the pull request's one plan comment and the drift issue:
        // what to post decided purely (Posting), sent with AsyncHTTPClient.
        .target(
            name: "GitHub",
            dependencies: [
                "FleetModel", "HTTPStack", "Platform",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // What `simfleet init` writes: example manifests, settings, and the CI workflows of
        // the loop, one file per workflow (Workflows+*.swift), compiled into the binary.
        .target(name: "Scaffold"),
        // The use cases, one file each: plan, apply, break glass. Each takes a request value
        // and its dependencies (NexCon, clocks, the folder, a console) and returns values and
        // an exit status; none exits the process, so tests run them in-process on virtual time.
        .target(
            name: "Operations",
            dependencies: ["FleetModel", "GitHistory", "HTTPStack", "Manifests", "NexConClient", "NexConSimulator", "Planning", "Platform", "Reconciler", "Scaffold", "Views"]
        ),
        // The command-line tool: flag parsing, help and wiring; each command an adapter that
        // builds a request, runs an operation and shows its result.
        .executableTarget(
            name: "simfleet",
            dependencies: [
                "FleetModel", "GitHistory", "GitHub", "HTTPStack", "Manifests", "NexConSimulator", "NexConClient", "Operations", "Planning", "Platform", "Reconciler", "Scaffold", "Views",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // --metrics-push: one PUT to a Pushgateway, on the HTTP stack GitHub posting uses.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // import --csv: quoted fields, embedded commas and line breaks.
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            plugins: ["BuildInfoPlugin"]
        ),
        // `simfleet --version` names the commit: a build tool plugin asks git at build time.
        .executableTarget(name: "BuildInfoTool", path: "Plugins/BuildInfoTool"),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool(), dependencies: ["BuildInfoTool"]),
        // For the test targets: golden files, temporary folders, the built binary, a
        // simulator on a free port, and a hostile loopback server.
        .target(
            name: "TestSupport",
            dependencies: [
                "NexConSimulator", "FleetModel", "NexConAPI", "NexConClient", "Operations", "Planning", "Platform", "Reconciler",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TestSupport"
        ),
        // The checks the fuzz harnesses apply, shared with the replay of saved cases.
        .target(name: "FuzzChecks", dependencies: ["FleetModel", "Manifests", "Planning", "YAML"], path: "Tests/Fuzz/Checks"),
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzChecks"], exclude: []),
        .testTarget(name: "FleetModelTests", dependencies: ["FleetModel"]),
        .testTarget(name: "GitHistoryTests", dependencies: ["GitHistory", "Planning", "FleetModel", "TestSupport"]),
        .testTarget(name: "GitHubTests", dependencies: ["GitHub"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "TestSupport"]),
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "FleetModel", "Planning", "TestSupport", "Views"], exclude: ["Fixtures"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "FleetModel", "NexConAPI", "TestSupport", "Views"]),
        .testTarget(name: "ViewsTests", dependencies: ["Views", "Planning", "Reconciler", "FleetModel", "NexConAPI", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "NexConClientTests",
            dependencies: [
                "HTTPStack", "NexConClient", "NexConSimulator", "Planning", "FleetModel", "Platform", "TestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
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
                "NexConSimulator", "NexConAPI", "Platform", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: ["Reconciler", "Planning", "FleetModel", "NexConAPI", "NexConClient", "NexConSimulator", "Operations", "Platform", "TestSupport", "Views",
                           .product(name: "Clocks", package: "swift-clocks")]
        ),
        .testTarget(
            name: "OperationsTests",
            dependencies: ["Operations", "Reconciler", "Planning", "FleetModel", "NexConSimulator", "Platform", "Scaffold", "TestSupport", "Views",
                           .product(name: "Clocks", package: "swift-clocks")]
        ),
        .testTarget(
            name: "SimfleetEndToEndTests",
            dependencies: ["simfleet", "FleetModel", "Reconciler", "TestSupport", "Views", "YAML", .product(name: "Clocks", package: "swift-clocks")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
