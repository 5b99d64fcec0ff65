import FleetModel
import Planning

/// A picture that reads faster than a table, for the drift issue and the step summary:
/// mermaid pie charts of the SIMs that differ, by transition and, with `--group-by`, by a
/// label's value. GitHub renders them; the table stays below.
public enum DriftPicture {
    /// Slices beyond this are one "other" slice, so a label with thousands of values stays a picture.
    static let slices = 12

    /// nil when nothing differs. `groups` maps each SIM to its value of the `--group-by` label.
    public static func markdown(_ plan: Plan, groupBy label: String? = nil, groups: [ICC: String] = [:]) -> String? {
        let drifted = plan.sims.filter { $0.outcome != .unchanged }
        guard !drifted.isEmpty else { return nil }
        var transitions: [String: Int] = [:]
        // "live active, declared blocked": what is, then what main says; never read as an action.
        for sim in drifted { transitions["live \(sim.live?.rawValue ?? "unreadable"), declared \(sim.desired.rawValue)", default: 0] += 1 }
        var out = pie("Drift: \(Wording.count(drifted.count, "SIM")) by live and declared state", transitions)
        if let label {
            var values: [String: Int] = [:]
            for sim in drifted { values[groups[sim.icc] ?? "(no \(label))", default: 0] += 1 }
            out += "\n" + pie("Drift by \(label)", values)
        }
        return out
    }

    static func pie(_ title: String, _ counts: [String: Int]) -> String {
        var slices = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        if slices.count > Self.slices {
            let rest = slices.dropFirst(Self.slices - 1).reduce(0) { $0 + $1.value }
            slices = Array(slices.prefix(Self.slices - 1)) + [("other", rest)]
        }
        var out = "```mermaid\npie showData title \(MermaidText.label(title))\n"
        for (name, count) in slices { out += "  \"\(MermaidText.label(name))\" : \(count)\n" }
        return out + "```\n"
    }
}
