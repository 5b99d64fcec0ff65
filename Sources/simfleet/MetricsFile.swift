import ArgumentParser
import AsyncHTTPClient
import FleetModel
import HTTPStack
import Foundation
import NIOCore
import Planning
import Platform
import Reconciler
import Synchronization
import Views

/// `--metrics-file PATH` for node_exporter's textfile collector, and `--metrics-push URL`
/// for a Prometheus Pushgateway, where runners are ephemeral and no collector runs.
struct MetricsOptions: ParsableArguments {
    @Option(help: "Write the run's metrics to this file in Prometheus's text format, for node_exporter's textfile collector (one file per command, e.g. plan.prom and apply.prom).")
    var metricsFile: String?

    @Option(help: "Also PUT the run's metrics to this Prometheus Pushgateway (https, or http to this machine), grouped by job simfleet, --metrics-instance and the command. A push that fails is a warning.")
    var metricsPush: String?

    @Option(help: "The instance the pushed metrics are grouped under. Default: $GITHUB_REPOSITORY, else simfleet.")
    var metricsInstance: String?

    func validate() throws {
        if let metricsPush, let problem = MetricsPush.urlProblem(metricsPush) { throw ValidationError("--metrics-push \(problem)") }
        if let metricsInstance, metricsInstance.isEmpty || metricsInstance.utf8.count > 200 || metricsInstance.unicodeScalars.contains(where: ControlCharacters.contains) {
            throw ValidationError("--metrics-instance is one line of 1 to 200 characters")
        }
    }

    func recorder(_ command: String) -> MetricsRecorder {
        let instance = metricsInstance ?? ProcessInfo.processInfo.environment["GITHUB_REPOSITORY"].flatMap { $0.isEmpty ? nil : $0 } ?? "simfleet"
        return MetricsRecorder(path: metricsFile, push: metricsPush.map { MetricsPush(gateway: $0, instance: instance, command: command) }, command: command)
    }
}

/// One PUT of a run's metrics to a Pushgateway: the group `job/simfleet/instance/I/command/C`
/// (values base64url-encoded, as the Pushgateway reads them), replaced whole each run.
struct MetricsPush: Sendable {
    let gateway: String
    let instance: String
    let command: String

    /// Why `url` cannot be a Pushgateway, or nil: https, or plain http to this machine.
    static func urlProblem(_ url: String) -> String? {
        guard url.utf8.count <= 2048, !url.unicodeScalars.contains(where: ControlCharacters.contains),
              let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host, !host.isEmpty,
              parsed.query == nil, parsed.fragment == nil, parsed.user == nil
        else { return "must be a URL such as https://pushgateway.example:9091 (no query, no credentials)" }
        guard scheme == "https" || (scheme == "http" && Loopback.contains(host: host)) else {
            return "must use https (plain http only to this machine)"
        }
        return nil
    }

    var url: String {
        func segment(_ value: String) -> String {
            Data(value.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        }
        let base = gateway.hasSuffix("/") ? String(gateway.dropLast()) : gateway
        return "\(base)/metrics/job/simfleet/instance@base64/\(segment(instance))/command@base64/\(segment(command))"
    }

    /// PUTs `text`; a failure is a warning and never the run's exit status.
    func send(_ text: String) async {
        var settings: HTTPStack.Settings
        switch HTTPStack.settings(for: url, environment: ProcessInfo.processInfo.environment) {
        case .success(let found): settings = found
        case .failure(let error):
            Output.error("warning: the metrics were not pushed: \(TerminalText.escape(error.description)); the run's outcome stands")
            return
        }
        settings.readTimeout = .seconds(10)
        let client = HTTPStack.client(settings)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .PUT
            request.headers.add(name: "Content-Type", value: "text/plain; version=0.0.4")
            request.body = .bytes(ByteBuffer(string: text))
            let response = try await client.execute(request, timeout: .seconds(20))
            if !(200..<300).contains(response.status.code) {
                Output.error("warning: the Pushgateway answered \(response.status.code) to the metrics push; the run's outcome stands")
            }
            _ = try? await response.body.collect(upTo: 64 << 10)
        } catch {
            Output.error("warning: the metrics were not pushed to \(TerminalText.escape(gateway)) (\(TerminalText.escape(String(describing: error)))); the run's outcome stands")
        }
        try? await client.shutdown()
    }
}

/// Counts a run and, when it ends, writes the file whole (a scrape never sees half of one),
/// whatever the outcome. A file that cannot be written is a warning.
final class MetricsRecorder: Sendable {
    let path: String?
    let start = ContinuousClock.now
    private let metrics: Mutex<RunMetrics>

    let push: MetricsPush?

    init(path: String?, push: MetricsPush? = nil, command: String) {
        self.path = path
        self.push = push
        metrics = Mutex(RunMetrics(command: command, success: false, finishedAt: 0, durationSeconds: 0))
    }

    func count(_ plan: Plan) { metrics.withLock { $0.count(plan) } }

    func count(_ report: ApplyReport) { metrics.withLock { $0.count(report) } }

    func finish(success: Bool) async {
        guard path != nil || push != nil else { return }
        let text = metrics.withLock { metrics in
            metrics.success = success
            metrics.finishedAt = Date().timeIntervalSince1970
            metrics.durationSeconds = start.duration(to: .now).seconds
            return MetricsView.prometheus(metrics)
        }
        if let path {
            do {
                try AtomicFile.write(Array(text.utf8), to: path)
            } catch {
                Output.error("warning: the metrics were not written to \(TerminalText.escape(path)) (\(error)); the run's outcome stands")
            }
        }
        await push?.send(text)
    }
}
