import FleetModel
import Foundation

/// Binding a plan file to the manifests: a file can narrow what apply does, never widen it.
extension PlanFile {
    /// Checks the file's steps against the manifests and returns the steps apply may carry
    /// out, rebuilt from the manifests: names, `protect`, callback URLs and refusals never
    /// come from the file.
    ///
    /// `inScope` is the manifests' SIMs selected by the file's scope, whose digest has
    /// already been compared with `manifestDigest`. Each SIM's steps must be exactly the
    /// path from its first step's `from` to its desired state, in the waves a fresh plan
    /// gives them; otherwise the whole file is refused.
    public func authorizedSteps(inScope: [DesiredSIM], policy: Policy, path: String) -> Result<[Step], PlanFileError> {
        let location = SourceLocation(path: path)
        let desired = Dictionary(inScope.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        var rebuilt: [Step] = []
        let byICC = Dictionary(grouping: plan.steps, by: \.icc)
        for icc in byICC.keys.sorted() {
            let own = byICC[icc]!.sorted { $0.wave < $1.wave }
            guard let sim = desired[icc] else {
                problems.append("\(own[0].action.rawValue) \(icc): no manifest in the plan's scope declares this ICC")
                continue
            }
            let expected: [Step]
            switch Planner.steps(for: sim, from: own[0].from, policy: policy) {
            case .success(let steps): expected = steps
            case .failure: expected = []
            }
            let shape = { (steps: [Step]) in steps.map { "\($0.action.rawValue) \($0.from.rawValue)→\($0.to.rawValue)" } }
            if shape(own) != shape(expected) {
                let listed = own.map { "\($0.action.rawValue) \(icc) (\($0.from.rawValue) → \($0.to.rawValue))" }.joined(separator: ", then ")
                problems.append("\(listed) \(own.count == 1 ? "does" : "do") not lead from \(own[0].from.rawValue) to its desired state \(sim.state.rawValue) in the manifests")
                continue
            }
            rebuilt += expected
        }
        Planner.assignWaves(&rebuilt)
        let fileWaves = Dictionary(plan.steps.map { ($0.key, $0.wave) }, uniquingKeysWith: { first, _ in first })
        for step in rebuilt where fileWaves[step.key] != step.wave {
            problems.append("\(step.action.rawValue) \(step.icc) is in wave \(fileWaves[step.key] ?? 0), but its place is wave \(step.wave)")
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(Self.problemLimit).map {
                Diagnostic.error(.planUnauthorized, at: location, "step \($0); plan again rather than editing the file. Nothing was sent.")
            }
            let more = problems.count > Self.problemLimit
                ? [Diagnostic.error(.planUnauthorized, at: location, "and \(problems.count - Self.problemLimit) more steps like these")] : []
            return .failure(PlanFileError(shown + more))
        }
        return .success(rebuilt)
    }
}
