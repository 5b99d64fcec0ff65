import ArgumentParser
import Foundation
import Platform

@main
struct SimfleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simfleet",
        abstract: "Keep a fleet of NexCon SIM cards in the state your YAML manifests declare.",
        version: SimfleetVersion.described,
        subcommands: [InitCommand.self, ValidateCommand.self, PlanCommand.self, ApplyCommand.self, ShowCommand.self, ImportCommand.self, SetCommand.self, BreakGlassCommand.self, ReleaseHoldCommand.self, MarkAppliedCommand.self, SchemaCommand.self, SimulatorCommand.self]
    )

    /// A closed pipe on standard output or error must not kill simfleet after it has acted:
    /// writes then fail quietly and the exit status stays the true one.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        FileDescriptors.raiseSoftLimit()
        await main(nil)
    }
}

enum SimfleetVersion {
    static let current = "0.1.0"

    /// `0.1.0 (commit 0123456789ab)`: what `--version` prints, so a run names its build.
    static var described: String { BuildInfo.commit.map { "\(current) (commit \($0.prefix(12)))" } ?? current }
}
