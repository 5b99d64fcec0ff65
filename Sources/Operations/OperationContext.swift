import FleetModel
import Foundation
import Manifests
import Planning
import Platform

/// What every operation is given rather than reaching for: NexCon, the clocks, the
/// folder git and the apply lock work in, the environment, and the console.
public struct OperationContext: Sendable {
    public var console: any Console
    public var nexCon: any NexConOpener
    /// The folder the run starts in: git finds the repository from here.
    public var folder: String
    /// Every wait (job polls, backoff) goes by this clock.
    public var clock: InjectedClock
    /// Freezes, timestamps and the journal's name go by this one.
    public var wallClock: @Sendable () -> Date
    public var environment: [String: String]
    public var progress: ProgressSettings
    /// This simfleet's version, as plans and journals record it.
    public var toolVersion = "dev"

    public init(console: any Console, nexCon: any NexConOpener, folder: String, clock: InjectedClock = .continuous,
                wallClock: @escaping @Sendable () -> Date = { Date() }, environment: [String: String],
                progress: ProgressSettings = ProgressSettings()) {
        self.console = console
        self.nexCon = nexCon
        self.folder = folder
        self.clock = clock
        self.wallClock = wallClock
        self.environment = environment
        self.progress = progress
    }

    /// Prints each diagnostic, then how many stopped the run; nothing was sent.
    func refuse(_ diagnostics: [Diagnostic], omitted: Int = 0, what: String = "sent") -> OperationStopped {
        for line in diagnostics.sorted().formattedLines(omitted: omitted) { console.error(line) }
        console.error("Nothing was \(what): fix the \(Wording.count(diagnostics.errorCount + omitted, "error")) above first.")
        return .nothingSent
    }

    /// Prints one error; nothing was sent.
    func refuse(_ line: String) -> OperationStopped {
        console.error(line)
        return .nothingSent
    }
}

/// Which SIMs a run is about: manifests, settings and targeting, as the command line or a
/// saved plan gives them.
public struct FleetRequest: Sendable {
    public var paths = ["manifests"]
    /// The settings file; `configRequired` when the user named it.
    public var config = SimfleetConfig.fileName
    public var configRequired = false
    public var targeting = Targeting()
    /// Where the targets came from, for their diagnostics.
    public var targetSource = "--target"
    /// Problems found reading the targets (a target file's bad lines).
    public var targetDiagnostics: [Diagnostic] = []
    public var changedSince: String?
    public var pullRequestBase: String?
    public var terminateAllowance = TerminateAllowance.none
    public var maximumFileSize = ManifestLoader.defaultMaximumFileSize
    public var followExternalLinks = false

    public init() {}
}
