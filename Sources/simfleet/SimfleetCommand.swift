import ArgumentParser

@main
struct SimfleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simfleet",
        abstract: "Keep a fleet of NexCon SIM cards in the state your YAML manifests declare.",
        version: SimfleetVersion.current,
        subcommands: [Validate.self, PlanCommand.self, ApplyCommand.self, Schema.self, Simulator.self]
    )
}

enum SimfleetVersion {
    static let current = "0.1.0"
}
