import Foundation
import NexConSimulator

/// The one oracle for "what took effect", shared by the reconciler's in-process tests and
/// the binary's end-to-end tests: an action call NexCon accepted with a job, or a dropped
/// one the simulator applied before dropping it, counted per "ICC action".
public enum EffectiveActions {
    public static func count(_ calls: [CallRecord]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for call in calls where !call.path.hasSuffix("/status") {
            if call.code == 200 && call.jobId != nil || call.applied == true {
                counts["\(call.icc ?? "") \(call.path.split(separator: "/").last ?? "")", default: 0] += 1
            }
        }
        return counts
    }

    /// The same, from `GET /_simulator/calls` as JSON.
    public static func count(json calls: [[String: Any]]) -> [String: Int] {
        count(calls.compactMap { call in
            guard let path = call["path"] as? String else { return nil }
            return CallRecord(time: .distantPast, path: path, icc: call["icc"] as? String, code: call["code"] as? Int,
                              jobId: call["jobId"] as? String, applied: call["applied"] as? Bool)
        })
    }
}
