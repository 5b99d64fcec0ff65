import ArgumentParser
import FleetModel
import Foundation
import Manifests
import NexConClient
import Operations
import Planning
import Platform
import Views

/// Which SIMs a run is about: manifests, config and targeting. Shared by plan and apply.
struct FleetOptions: ParsableArguments {
    @Argument(help: "Manifest files or folders (apply also takes one saved plan .json file).")
    var paths: [String] = ["manifests"]

    @Option(help: "Settings file (status words, blast radius, policy rules). Default: simfleet.yaml in the current folder, if there is one.")
    var config: String?

    @Option(name: .customLong("target"), help: "Only this ICC (repeatable).")
    var targets: [String] = []

    @Option(help: "Only the ICCs in this file, one a line; '#' starts a comment.")
    var targetFile: String?

    @Option(name: .customLong("label"), help: "Only SIMs with this label, as key=value (repeatable; all must match).")
    var labels: [String] = []

    @Option(help: ArgumentHelp("Only one Nth of the SIMs, chosen by ICC: shard K of N (e.g. 3/7), so N runs cover the fleet once, for a drift check too large for one job.", valueName: "K/N"))
    var shard: String?

    @Option(name: .customLong("allow-terminate"), help: "Allow terminating this ICC, or 'all' (repeatable). protect: true always wins.")
    var allowTerminate: [String] = []

    @Option(help: ArgumentHelp("Plan only SIMs whose desired state changed since the commit HEAD shares with this ref (e.g. origin/main), as a pull request's diff; needs git.", valueName: "ref"))
    var changedSince: String?

    @Option(help: ArgumentHelp("With --changed-since: the branch a pull request goes into (e.g. origin/main). Each step is marked as this pull request's, or as merged earlier and not applied yet.", valueName: "ref"))
    var pullRequestBase: String?

    @OptionGroup var limits: ManifestLimits

    func validate() throws {
        for target in targets where ICC.validate(target) != nil {
            throw ValidationError("--target \(target): \(ICC.validate(target)!.message(icc: target))")
        }
        for label in labels where !label.contains("=") || label.hasPrefix("=") {
            throw ValidationError("--label '\(label)' must be key=value, e.g. --label depot=aarhus")
        }
        for (flag, ref) in [("--changed-since", changedSince), ("--pull-request-base", pullRequestBase)] {
            if let ref, ref.isEmpty || ref.hasPrefix("-") || ref.contains(where: { $0.isNewline || $0 == "\0" }) {
                throw ValidationError("\(flag) needs a git ref such as origin/main or HEAD~1")
            }
        }
        if pullRequestBase != nil && changedSince == nil {
            throw ValidationError("--pull-request-base marks where the changes since --changed-since come from; give --changed-since simfleet/applied too")
        }
        if let shard, Shard(shard) == nil {
            throw ValidationError("--shard '\(shard)' must be K/N with 1 <= K <= N <= \(Shard.maximumCount), e.g. --shard 3/7")
        }
        for allowance in allowTerminate where allowance != "all" && ICC.validate(allowance) != nil {
            throw ValidationError("--allow-terminate '\(allowance)' must be an ICC or 'all'")
        }
    }

    var terminateAllowance: TerminateAllowance {
        if allowTerminate.contains("all") { return .all }
        return allowTerminate.isEmpty ? .none : .only(Set(allowTerminate.map(ICC.init(unchecked:))))
    }

    /// What an operation is asked about.
    var request: FleetRequest {
        var request = FleetRequest()
        request.paths = paths
        request.config = config ?? SimfleetConfig.fileName
        request.configRequired = config != nil
        (request.targeting, request.targetDiagnostics) = targeting()
        request.targetSource = targetFile ?? "--target"
        request.changedSince = changedSince
        request.pullRequestBase = pullRequestBase
        request.terminateAllowance = terminateAllowance
        request.maximumFileSize = limits.maximumFileSize
        request.followExternalLinks = limits.followExternalLinks
        return request
    }

    /// The targeting, with ICCs from --target-file; problems in the file are diagnostics.
    func targeting() -> (Targeting, [Diagnostic]) {
        var iccs = Set(targets.map(ICC.init(unchecked:)))
        var diagnostics: [Diagnostic] = []
        if let targetFile {
            let (listed, problems) = ICCList.read(targetFile, what: "target file")
            iccs.formUnion(listed)
            diagnostics += problems
        }
        var labelMap: [String: String] = [:]
        for label in labels {
            let parts = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            labelMap[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        // Shard 1/1 is every SIM: no partial plan.
        let chosen = shard.flatMap(Shard.init).flatMap { $0.count == 1 ? nil : $0 }
        return (Targeting(iccs: iccs, labels: labelMap, shard: chosen), diagnostics)
    }
}

/// A file of ICCs, one a line; '#' starts a comment. Shared by --target-file and --icc-file.
enum ICCList {
    static func read(_ path: String, what: String) -> (iccs: [ICC], diagnostics: [Diagnostic]) {
        let text: String
        switch TextFile.read(path, limit: 64 << 20) {
        case .success(let read): text = read
        case .failure(let problem):
            return ([], [.error(.fileRead, at: SourceLocation(path: path), "cannot use the \(what): \(problem)")])
        }
        var iccs: [ICC] = []
        var diagnostics: [Diagnostic] = []
        for (number, rawLine) in TextFile.lines(text).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            guard !line.isEmpty else { continue }
            if let problem = ICC.validate(line) {
                let column = (rawLine.firstIndex { !$0.isWhitespace }).map { rawLine.distance(from: rawLine.startIndex, to: $0) + 1 } ?? 1
                diagnostics.append(problem.diagnostic(icc: line, at: SourceLocation(path: path, line: number + 1, column: column)))
            } else {
                iccs.append(ICC(unchecked: line))
            }
        }
        return (iccs, diagnostics)
    }
}

/// The pull-request comment's marker, shared by plan, apply and show.
struct CommentOptions: ParsableArguments {
    @Option(help: "Extends the markdown's hidden marker to <!-- simfleet:plan:KEY --> (or apply), so each manifest folder keeps its own pull-request comment.")
    var commentKey: String?

    func validate() throws {
        if let commentKey, !MarkdownText.isValidCommentKey(commentKey) {
            throw ValidationError("--comment-key may hold only letters, digits, '.', '_' and '-', at most 64 of them")
        }
    }
}

/// Bounds on what manifests may make simfleet read.
struct ManifestLimits: ParsableArguments {
    @Option(help: "Refuse manifest files larger than this many MiB.")
    var maxManifestSize = ManifestLoader.defaultMaximumFileSize >> 20

    @Flag(help: "Follow links in the manifests that lead outside their repository (by default an error: a pull request could read the machine's files through one).")
    var followExternalLinks = false

    var maximumFileSize: Int { maxManifestSize << 20 }

    func validate() throws {
        guard (1...4096).contains(maxManifestSize) else { throw ValidationError("--max-manifest-size must be between 1 and 4096 (MiB)") }
    }
}

/// How to reach NexCon. The key never comes from a flag value.
struct APIOptions: ParsableArguments {
    @Option(help: "NexCon API base URL. Default: NEXCON_API_URL, else https://app.nexcon.io. Plain http only to loopback.")
    var apiURL: String?

    @Option(help: "Read the API key from this file instead of NEXCON_API_KEY.")
    var apiKeyFile: String?

    @Option(help: "Also trust the CA certificates (PEM) in this file, e.g. a corporate proxy's; SSL_CERT_FILE adds one too. Proxies come from HTTPS_PROXY, HTTP_PROXY and NO_PROXY.")
    var caFile: String?

    @Flag(help: "Use an embedded NexCon simulator seeded from the manifests (state in .simfleet/simulator.json) instead of the real API.")
    var simulator = false

    @Option(help: "Requests in flight at once, and connections in the pool.")
    var parallelism = 16

    @Option(help: "At most this many requests per second.")
    var rate: Double?

    @Flag(help: "No progress line on standard error.")
    var noProgress = false

    /// How often plan and apply print their progress line in a log; hidden, for short end-to-end tests.
    @Option(help: .hidden)
    var progressInterval = DurationArgument(.seconds(10))

    @Option(help: "The longest wait a 429's Retry-After may ask for; longer ones are cut to this, and the run says so.")
    var maxRetryWait = DurationArgument(.seconds(60))

    /// The first retry's backoff (then doubling, with jitter); hidden, so tests against
    /// a hostile server need not wait out real backoffs.
    @Option(help: .hidden)
    var retryBase = DurationArgument(.milliseconds(100))

    /// Retries as the flags set them.
    var retryPolicy: RetryPolicy {
        var policy = RetryPolicy()
        policy.base = retryBase.duration
        policy.maximumRetryWait = maxRetryWait.duration
        return policy
    }

    /// NexCon as these flags reach it, and the context an operation runs in.
    func context(environment: [String: String] = ProcessInfo.processInfo.environment) -> OperationContext {
        var nexCon = HTTPNexCon(environment: environment)
        nexCon.apiURL = apiURL
        nexCon.apiKeyFile = apiKeyFile
        nexCon.caFile = caFile
        nexCon.simulator = simulator
        nexCon.parallelism = parallelism
        nexCon.rate = rate
        nexCon.retry = retryPolicy
        var context = OperationContext(console: StandardConsole(), nexCon: nexCon, folder: FileManager.default.currentDirectoryPath,
                                       environment: environment,
                                       progress: ProgressSettings(shown: !noProgress, interval: progressInterval.duration))
        context.toolVersion = SimfleetVersion.current
        return context
    }

    func validate() throws {
        guard (1...1024).contains(parallelism) else { throw ValidationError("--parallelism must be between 1 and 1024") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be more than 0") }
        if simulator && (apiURL != nil || apiKeyFile != nil) {
            throw ValidationError("--simulator cannot be combined with --api-url or --api-key-file")
        }
    }
}
