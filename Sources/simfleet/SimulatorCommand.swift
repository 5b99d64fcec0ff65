import ArgumentParser
import FleetModel
import Foundation
import Manifests
import NexConSimulator
import Views

extension Lifecycle.RepeatPolicy: ExpressibleByArgument {}
extension Lifecycle.TransitionalStatus: ExpressibleByArgument {}
extension SimulatorConfiguration.CallbackReach: ExpressibleByArgument {}

extension SimfleetCommand {
    struct SimulatorCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulator",
            abstract: "Run a stand-in NexCon API server for tests, demos and rehearsals.",
            discussion: """
            Serves POST /api/v1/simcard/{activate,block,restore,terminate,status} as NexCon \
            documents them, with asynchronous jobs, callbacks and switchable faults. Prints \
            'listening on http://HOST:PORT' as its first line. Stops gracefully on SIGINT or \
            SIGTERM, saving the state. The API key comes from --api-key, else \
            NEXCON_SIMULATOR_API_KEY, else the development key 'dev-key'.
            """ + "\n\n" + Help.simulator
        )

        @Option(help: "Address to bind. Anything but loopback exposes the simulator to the network.")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on; 0 picks a free one.")
        var port = 8080

        @Option(help: "The key clients must send as 'Authorization: bearer KEY'.")
        var apiKey: String?

        @Option(help: "Answer to an action whose target is already reached: ok (200, no job) or conflict (409).")
        var `repeat`: Lifecycle.RepeatPolicy = .ok

        @Option(help: "Whether a running job shows in /status: shown (ACTIVATING and the like) or none (the old status until the job ends).")
        var transitional: Lifecycle.TransitionalStatus = .shown

        @Option(help: "How long a job runs, e.g. 2s or 200ms; 0 ends jobs at once.")
        var jobDuration = DurationArgument(.seconds(2))

        @Option(help: "Share of jobs (0 to 1) that fail and put the SIM back where it was.")
        var jobFailureRate = 0.0

        @Option(help: "Delay added to every API request, e.g. 50ms.")
        var latency = DurationArgument(.zero)

        @Option(help: "Up to this much more delay, at random, per request.")
        var latencyJitter = DurationArgument(.zero)

        @Option(help: "Requests per second per key; beyond it, 429 with Retry-After.")
        var rateLimit: Int?

        @Option(help: "Share of API requests (0 to 1) answered 500 before any change.")
        var failRate = 0.0

        @Option(help: "Share of API requests (0 to 1) whose connection is closed with no response; for actions, at random before or after the change is made.")
        var dropRate = 0.0

        @Option(help: "A JSON or YAML list of SIM records to start with (repeatable).")
        var seed: [String] = []

        @Option(help: "Add every ICC in these manifests, in a live status derived from the ICC (repeatable).")
        var seedFromManifests: [String] = []

        @Option(help: "Keep the state in this file across restarts; it is reloaded at start.")
        var state: String?

        @Option(help: "Seed for the simulator's random choices, so a run repeats exactly.")
        var randomSeed: UInt64?

        @Option(help: "Which callback URLs are really called: loopback (default; others are withheld), any, or none.")
        var callbacks: SimulatorConfiguration.CallbackReach = .loopback

        @Option(help: "How many of the newest API calls GET /_simulator/calls keeps; older ones are only counted.")
        var callLog = 100_000

        func validate() throws {
            for (name, value) in [("--job-failure-rate", jobFailureRate), ("--fail-rate", failRate), ("--drop-rate", dropRate)]
            where !(0...1).contains(value) {
                throw ValidationError("\(name) must be between 0 and 1, not \(value)")
            }
            if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1") }
            if callLog < 0 { throw ValidationError("--call-log must be 0 or more") }
            if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        }

        var simulatorConfiguration: SimulatorConfiguration {
            var configuration = SimulatorConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.apiKey = apiKey ?? ProcessInfo.processInfo.environment["NEXCON_SIMULATOR_API_KEY"] ?? SimulatorConfiguration.developmentKey
            configuration.repeatPolicy = `repeat`
            configuration.transitional = transitional
            configuration.jobDuration = jobDuration.duration
            configuration.jobFailureRate = jobFailureRate
            configuration.latency = latency.duration
            configuration.latencyJitter = latencyJitter.duration
            configuration.rateLimit = rateLimit
            configuration.failRate = failRate
            configuration.dropRate = dropRate
            configuration.statePath = state
            configuration.randomSeed = randomSeed
            configuration.callbackReach = callbacks
            configuration.callLogLimit = callLog
            return configuration
        }

        /// Seed problems printed at most.
        static let shownSeedProblems = 50

        func run() async throws {
            let configuration = simulatorConfiguration
            let manifests = seedFromManifests.isEmpty ? nil : await ManifestLoader.load(paths: seedFromManifests)
            let fleet = SimulatorFleet.load(seedFiles: seed, declared: manifests?.sims ?? [], statePath: state)
            let diagnostics = (manifests?.diagnostics ?? []) + fleet.diagnostics
            // A page of them, then how many more: 6,100 seed errors once scrolled by unread.
            for line in diagnostics.sorted().formattedLines(limit: Self.shownSeedProblems, omitted: manifests?.omittedDiagnostics ?? 0) { Output.error(line) }
            if diagnostics.count > Self.shownSeedProblems {
                Output.error("\(Wording.count(diagnostics.errorCount, "error")) in all in the seeds; the simulator did not start.")
            }
            if let stateError = fleet.stateError { Output.error(TerminalText.escape(stateError)) }
            if diagnostics.hasErrors || fleet.stateError != nil { throw ExitCode.failure }

            let host = configuration.host
            let (application, _) = buildApplication(configuration: configuration, sims: fleet.sims) { port in
                Output.print("listening on http://\(host):\(port)")
            }
            try await application.runService()
        }
    }
}
