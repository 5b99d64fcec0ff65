import FleetModel
import Foundation
import Platform
import Reconciler

extension ApplyProgress.Snapshot {
    /// `Applying: wave 2/3 · 120/500 steps done · 3 not converged · 16 in flight · 12/s · 31s left`
    public func line(elapsed: Duration) -> String {
        var parts = ["Applying: wave \(wave)/\(waves)", "\(Wording.grouped(done))/\(Wording.grouped(total)) steps done"]
        if failed > 0 { parts.append("\(Wording.grouped(failed)) not converged") }
        parts.append("\(inFlight) in flight")
        return (parts + ProgressWording.pace(done: done, total: total, elapsed: elapsed)).joined(separator: " · ")
    }
}

/// The words every progress line shares, apply's and the status sweep's: the rate, and
/// the time left while there is any.
public enum ProgressWording {
    public static func pace(done: Int, total: Int, elapsed: Duration) -> [String] {
        let seconds = elapsed.seconds
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var parts = [rate >= 10 ? "\(Int(rate))/s" : String(format: "%.1f/s", rate)]
        if done < total { parts.append(rate > 0 ? "\(Int((Double(total - done) / rate).rounded(.up)))s left" : "time left unknown") }
        return parts
    }

    /// "Reading live status: 120/1,000 SIMs read · 20/s · 44s left"
    public static func sweep(done: Int, total: Int, elapsed: Duration) -> String {
        (["Reading live status: \(Wording.grouped(done))/\(Wording.grouped(total)) SIMs read"]
            + pace(done: done, total: total, elapsed: elapsed)).joined(separator: " · ")
    }
}
