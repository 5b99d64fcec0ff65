/// When apply reads a SIM's status while its job runs, and when a job that never showed
/// itself has most likely failed unseen. Pure: times are durations since the action was
/// sent, and the typical job time is what `JobTimeEstimate` has seen so far.
///
/// The budget: the first read comes at 90% of the typical job time; then reads every 100 ms,
/// growing to one every 250 ms, for the first minute; after it, one every 5 s at most, so
/// a job that never ends costs about 12 reads a minute, not 240.
public struct WaitSchedule: Sendable, Hashable {
    /// How long jobs have been taking (nil before any was seen to end). In
    /// `ApplyOptions.waits`, the estimate to start from before any job ends.
    public var typicalJob: Duration?
    public var firstPause = Duration.milliseconds(100)
    public var quickCap = Duration.milliseconds(250)
    public var quickPhase = Duration.seconds(60)
    public var slowCap = Duration.seconds(5)

    public init(typicalJob: Duration? = nil) { self.typicalJob = typicalJob }

    /// The pause before the next read: `previous` is the pause before the last read (nil
    /// for the first read after sending), `waited` how long since the action was sent.
    public func pause(after previous: Duration?, waited: Duration) -> Duration {
        guard let previous else { return max(firstPause, (typicalJob ?? .zero) * 0.9) }
        let cap = waited < quickPhase ? quickCap : slowCap
        return min(cap, max(firstPause, previous * 3 / 2))
    }

    /// After this long with the SIM still at the step's `from` and no transitional status
    /// seen, the job most likely failed unseen (a lost read hid it): three typical job
    /// times, at least 5 s. Before any job was seen to end there is no bound, and only the
    /// wait timeout ends the wait.
    public var unseenFailureBound: Duration? {
        typicalJob.map { max(.seconds(5), $0 * 3) }
    }
}
