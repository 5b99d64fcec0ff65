import FleetModel

/// Assembles the simulator's starting fleet from its sources.
public enum SimulatorFleet {
    /// The saved state wins for an ICC it knows; seed files come next, then manifests,
    /// so SIMs added to the manifests later still appear in a long-lived simulator.
    public static func assemble(saved: [SimulatedSIM], seeds: [SimulatedSIM], manifests: [SimulatedSIM]) -> [SimulatedSIM] {
        var fleet: [String: SimulatedSIM] = [:]
        for sim in manifests { fleet[sim.icc] = sim }
        for sim in seeds { fleet[sim.icc] = sim }
        for sim in saved { fleet[sim.icc] = sim }
        return fleet.values.sorted { $0.icc < $1.icc }
    }

    /// Reads seed files and the state file, and takes the SIMs the manifests declare from
    /// the caller (which reads manifests; the simulator does not); every problem is
    /// returned, none is fatal here.
    public static func load(seedFiles: [String], declared: [DesiredSIM], statePath: String?)
        -> (sims: [SimulatedSIM], diagnostics: [Diagnostic], stateError: String?)
    {
        var diagnostics: [Diagnostic] = []
        var seeds: [SimulatedSIM] = []
        for file in seedFiles {
            let read = Seeds.read(path: file)
            seeds += read.sims
            diagnostics += read.diagnostics
        }
        let fromManifests = Seeds.fromManifests(declared)
        var saved: [SimulatedSIM] = []
        var stateError: String?
        if let statePath {
            do { saved = try StateFile.read(statePath) } catch { stateError = error.description }
        }
        return (assemble(saved: saved, seeds: seeds, manifests: fromManifests), diagnostics, stateError)
    }
}
