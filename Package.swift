// swift-tools-version:6.0
import PackageDescription

/// Each external package once: where it comes from, its version, and the products targets use.
let external: [(url: String, from: Version, products: [String])] = [
    ("https://github.com/apple/swift-argument-parser", "1.8.2", ["ArgumentParser"]),
    ("https://github.com/hummingbird-project/hummingbird", "2.28.1", ["Hummingbird", "HummingbirdTesting"]),
    ("https://github.com/swift-server/async-http-client", "1.37.0", ["AsyncHTTPClient"]),
    ("https://github.com/swift-server/swift-service-lifecycle", "2.13.0", ["ServiceLifecycle"]),
    ("https://github.com/apple/swift-http-types", "1.8.0", ["HTTPTypes"]),
    ("https://github.com/apple/swift-log", "1.16.2", ["Logging"]),
    ("https://github.com/apple/swift-nio", "2.101.2", ["NIOCore", "NIOEmbedded", "NIOHTTP1", "NIOPosix", "NIOTLS"]),
    ("https://github.com/apple/swift-nio-ssl", "2.37.6", ["NIOSSL"]),
    ("https://github.com/apple/swift-system", "1.8.1", ["SystemPackage"]),
    ("https://github.com/apple/swift-crypto", "4.5.2", ["Crypto"]),
    ("https://github.com/swiftcsv/SwiftCSV", "0.10.0", ["SwiftCSV"]),
    // Tests only: clocks the progress line and the reconciler's waits run on in tests.
    ("https://github.com/pointfreeco/swift-clocks", "1.1.1", ["Clocks"]),
]

/// External products by name, each from the package `external` lists it under.
func products(_ names: String...) -> [Target.Dependency] {
    names.map { name in
        guard let url = external.first(where: { $0.products.contains(name) })?.url else {
            fatalError("Package.swift: list the package of product \(name) in `external`")
        }
        return .product(name: name, package: String(url.split(separator: "/").last!))
    }
}

let package = Package(
    name: "simfleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "simfleet", targets: ["simfleet"]),
        // For the fuzz package in Tests/Fuzz, which builds with sanitizers on its own.
        .library(name: "FuzzChecks", targets: ["FuzzChecks"]),
    ],
    dependencies: external.map { .package(url: $0.url, from: $0.from) },
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
        .target(name: "Platform", dependencies: products("SystemPackage")),
        // libyaml's events and a small node tree, with source locations; the one place
        // that calls libyaml. Read by the manifests and the simulator's seed files.
        .target(name: "YAML", dependencies: ["CYAML", "FleetModel", "Platform"]),
        // YAML manifests and simfleet.yaml -> DesiredSIM values and settings, with source
        // locations and diagnostics.
        .target(name: "Manifests", dependencies: ["FleetModel", "Platform", "YAML"]),
        // Pure: desired SIMs + observed statuses + policy -> Plan; the policy's verdicts; the
        // plan file's format and its checks. No I/O; Views renders plans.
        .target(name: "Planning", dependencies: ["FleetModel"] + products("Crypto")),
        // The manifests as they were at a commit, read through the git program, for --changed-since.
        .target(name: "GitHistory", dependencies: ["FleetModel", "Manifests", "Planning", "Platform"]),
        // The one HTTP stack (AsyncHTTPClient) as every client sets it up: HTTP/1.1, no
        // redirects, no decompression, TLS with an optional corporate CA, and the proxy
        // HTTPS_PROXY, HTTP_PROXY and NO_PROXY name; JSONAPI for the forges' REST APIs.
        .target(
            name: "HTTPStack",
            dependencies: ["FleetModel", "Platform"] + products("AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOSSL")
        ),
        // NexCon's paths and the bodies the simulator writes and its tests read; the client
        // reads answers tolerantly by key instead (see NexConAPI.swift).
        .target(name: "NexConAPI", dependencies: ["FleetModel"]),
        // The HTTP client for NexCon: auth, retries and backoff on an injected clock, pacing,
        // the status sweep, and redaction of answers, over the one HTTP stack.
        .target(
            name: "NexConClient",
            dependencies: ["FleetModel", "HTTPStack", "NexConAPI", "Platform"] + products("AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOPosix", "NIOSSL")
        ),
        // Apply: one step's decisions as a pure state machine, the loop that performs them
        // (waves, compare-and-act, job waits), the journal, the apply lock and the report.
        .target(
            name: "Reconciler",
            dependencies: ["FleetModel", "Planning", "Platform"] + products("SystemPackage")
        ),
        // A stand-in NexCon server: lifecycle, async jobs, callbacks, rate limits and faults.
        .target(
            name: "NexConSimulator",
            dependencies: ["HTTPStack", "NexConAPI", "FleetModel", "Platform", "YAML"] + products("Hummingbird", "NIOCore", "AsyncHTTPClient", "ServiceLifecycle", "HTTPTypes", "Logging")
        ),
        // Everything a person or a program reads: plan, apply, validate and show in text,
        // markdown, JSON and GitHub annotations, with one escaping helper per format.
        .target(name: "Views", dependencies: ["FleetModel", "Manifests", "Planning", "Platform", "Reconciler"]),
        // Posting on a forge, whichever it is: what to post decided purely (Posting), the
        // calls a forge's client answers (ForgeClient), and the sequence over them.
        .target(name: "Forge", dependencies: ["FleetModel", "Platform"]),
        // GitHub's REST API for the pull request's one plan comment and the drift issue.
        .target(
            name: "GitHub",
            dependencies: ["Forge", "FleetModel", "HTTPStack", "Platform"] + products("NIOHTTP1")
        ),
        // GitLab's REST API v4 for the merge request's one plan note and the drift issue.
        .target(
            name: "GitLab",
            dependencies: ["Forge", "FleetModel", "HTTPStack", "Platform"] + products("NIOHTTP1")
        ),
        // What `simfleet init` writes: example manifests, settings, and the CI of the loop:
        // one file per GitHub workflow (Workflows+*.swift) and the .gitlab-ci.yml
        // (Pipeline+GitLab.swift), compiled into the binary.
        .target(name: "Scaffold"),
        // The use cases, one file each: plan, apply, break glass. Each takes a request value
        // and its dependencies (NexCon, clocks, the folder, a console) and returns values and
        // an exit status; none exits the process, so tests run them in-process on virtual time.
        .target(
            name: "Operations",
            dependencies: ["FleetModel", "GitHistory", "HTTPStack", "Manifests", "NexConClient", "NexConSimulator", "Planning", "Platform", "Reconciler", "Scaffold", "Views"]
        ),
        // The command-line tool: flag parsing, help and wiring; each command an adapter that
        // builds a request, runs an operation and shows its result. AsyncHTTPClient for
        // --metrics-push's one PUT; SwiftCSV for import --csv's quoted fields and line breaks.
        .executableTarget(
            name: "simfleet",
            dependencies: ["FleetModel", "Forge", "GitHistory", "GitHub", "GitLab", "HTTPStack", "Manifests", "NexConSimulator", "NexConClient", "Operations", "Planning", "Platform", "Reconciler", "Scaffold", "Views"] + products("ArgumentParser", "SystemPackage", "Hummingbird", "AsyncHTTPClient", "SwiftCSV"),
            plugins: ["BuildInfoPlugin"]
        ),
        // `simfleet --version` names the commit: a build tool plugin asks git at build time.
        .executableTarget(name: "BuildInfoTool", path: "Plugins/BuildInfoTool"),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool(), dependencies: ["BuildInfoTool"]),
        // For the test targets: golden files, temporary folders, the built binary, a
        // simulator on a free port, and a hostile loopback server.
        .target(
            name: "TestSupport",
            dependencies: ["NexConSimulator", "FleetModel", "NexConAPI", "NexConClient", "Operations", "Planning", "Platform", "Reconciler"] + products("AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOPosix", "ServiceLifecycle", "Logging", "SystemPackage"),
            path: "Tests/TestSupport"
        ),
        // The checks the fuzz harnesses apply, shared with the replay of saved cases.
        .target(name: "FuzzChecks", dependencies: ["FleetModel", "Manifests", "Planning", "YAML"], path: "Tests/Fuzz/Checks"),
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzChecks"], exclude: []),
        .testTarget(name: "FleetModelTests", dependencies: ["FleetModel"]),
        .testTarget(name: "GitHistoryTests", dependencies: ["GitHistory", "Planning", "FleetModel", "TestSupport"]),
        .testTarget(name: "ForgeTests", dependencies: ["Forge", "GitHub", "GitLab", "TestSupport"] + products("Clocks", "NIOHTTP1")),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "TestSupport"]),
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "FleetModel", "Planning", "TestSupport", "Views"], exclude: ["Fixtures"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "FleetModel", "NexConAPI", "TestSupport", "Views"]),
        .testTarget(name: "ViewsTests", dependencies: ["Views", "Planning", "Reconciler", "FleetModel", "NexConAPI", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "NexConClientTests",
            dependencies: ["HTTPStack", "NexConClient", "NexConSimulator", "Planning", "FleetModel", "Platform", "TestSupport"] + products("Clocks", "NIOCore", "NIOHTTP1", "NIOPosix", "NIOSSL", "NIOEmbedded", "NIOTLS"),
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "NexConSimulatorTests",
            dependencies: ["NexConSimulator", "NexConAPI", "Platform", "TestSupport"] + products("HummingbirdTesting", "Clocks", "AsyncHTTPClient")
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: ["Reconciler", "Planning", "FleetModel", "NexConAPI", "NexConClient", "NexConSimulator", "Operations", "Platform", "TestSupport", "Views"] + products("Clocks")
        ),
        .testTarget(
            name: "OperationsTests",
            dependencies: ["Operations", "Reconciler", "Planning", "FleetModel", "NexConSimulator", "Platform", "Scaffold", "TestSupport", "Views"] + products("Clocks")
        ),
        .testTarget(
            name: "SimfleetEndToEndTests",
            dependencies: ["simfleet", "FleetModel", "Reconciler", "TestSupport", "Views", "YAML"] + products("Clocks")
        ),
    ],
    swiftLanguageModes: [.v6]
)
