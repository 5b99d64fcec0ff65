import ArgumentParser
import Foundation
import Planning
import Platform
import Reconciler
import Synchronization
import Views

/// `--metrics-file PATH`: the run's metrics for node_exporter's textfile collector.
struct MetricsOptions: ParsableArguments {
    @Option(help: "Write the run's metrics to this file in Prometheus's text format, for node_exporter's textfile collector (one file per command, e.g. plan.prom and apply.prom).")
    var metricsFile: String?

    func recorder(_ command: String) -> MetricsRecorder { MetricsRecorder(path: metricsFile, command: command) }
}

/// Counts a run and, when it ends, writes the file whole (a scrape never sees half of one),
/// whatever the outcome. A file that cannot be written is a warning.
final class MetricsRecorder: Sendable {
    let path: String?
    let start = ContinuousClock.now
    private let metrics: Mutex<RunMetrics>

    init(path: String?, command: String) {
        self.path = path
        metrics = Mutex(RunMetrics(command: command, success: false, finishedAt: 0, durationSeconds: 0))
    }

    func count(_ plan: Plan) { metrics.withLock { $0.count(plan) } }

    func count(_ report: ApplyReport) { metrics.withLock { $0.count(report) } }

    func finish(success: Bool) {
        guard let path else { return }
        let text = metrics.withLock { metrics in
            metrics.success = success
            metrics.finishedAt = Date().timeIntervalSince1970
            metrics.durationSeconds = start.duration(to: .now).seconds
            return MetricsView.prometheus(metrics)
        }
        do {
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch {
            Output.error("warning: the metrics were not written to \(TerminalText.escape(path)) (\(error)); the run's outcome stands")
        }
    }
}
