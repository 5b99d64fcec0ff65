/// When apply reads a SIM's status while its job runs, and when a job that never showed
/// itself has most likely failed unseen. Pure: times are durations since the action was
/// sent, and the typical job time is what `JobTimeEstimate` has seen so far.
///
/// The budget: the first read comes at 90% of the typical job time (100 ms before any job
/// was seen to end); from then on each pause is half again the last, from 100 ms, but at
/// most a quarter of how long the job has been running (or of the typical job time, if
/// longer), and never less than 250 ms once grown. So a job is noticed at most about a
/// quarter of its time after it ends, reads per job grow with the logarithm of its length
/// (about 6 for a 1 s job, 16 for 10 s, 27 for a minute, against 240 with fixed
/// 250 ms reads), and after the first minute there is at most one read every 5 s.
public struct WaitSchedule: Sendable, Hashable {
    /// How long jobs have been taking (nil before any was seen to end). In
    /// `ApplyOptions.waits`, the estimate to start from before any job ends.
    public var typicalJob: Duration?
    public var firstPause = Duration.milliseconds(100)
    /// The longest pause while a job is young: pauses grow past it only in proportion to
    /// the job's age.
    public var quickCap = Duration.milliseconds(250)
    public var quickPhase = Duration.seconds(60)
    public var slowCap = Duration.seconds(5)
    /// A pause is at most this share of the job's age (or of the typical job time).
    public var ageShare = 0.25

    public init(typicalJob: Duration? = nil) { self.typicalJob = typicalJob }

    /// The pause before the next read: `previous` is the pause before the last read (nil
    /// for the first read after sending), `waited` how long since the action was sent.
    public func pause(after previous: Duration?, waited: Duration) -> Duration {
        guard let previous else { return max(firstPause, (typicalJob ?? .zero) * 0.9) }
        let cap = waited < quickPhase
            ? min(slowCap, max(quickCap, max(waited, typicalJob ?? .zero) * ageShare))
            : slowCap
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
