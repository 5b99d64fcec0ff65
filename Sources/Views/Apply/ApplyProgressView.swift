import FleetModel
import Foundation
import Platform
import Reconciler

extension ApplyProgress.Snapshot {
    /// `Applying: wave 2/3 · 120/500 steps done · 3 not converged · 16 in flight · 12/s · 31s left`
    public func line(elapsed: Duration) -> String {
        let seconds = elapsed.seconds
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var parts = ["Applying: wave \(wave)/\(waves)", "\(Wording.grouped(done))/\(Wording.grouped(total)) steps done"]
        if failed > 0 { parts.append("\(Wording.grouped(failed)) not converged") }
        parts.append("\(inFlight) in flight")
        parts.append(rate >= 10 ? "\(Int(rate))/s" : String(format: "%.1f/s", rate))
        parts.append(rate > 0 && done < total ? "\(Int((Double(total - done) / rate).rounded(.up)))s left" : "time left unknown")
        if done == total { parts.removeLast() }
        return parts.joined(separator: " · ")
    }
}
