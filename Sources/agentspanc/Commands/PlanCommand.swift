import AgentSpec
import ArgumentParser
import Foundation

/// `agentspanc plan SPEC`: what a reviewer needs before approving a spec change — agents, strategy, tools, and
/// exactly which commands and hosts each tool may reach.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Outline a spec: agents, strategy, tools, and the commands and hosts each tool may reach.")

    @Argument(help: "The spec file.")
    var spec: String

    @OptionGroup var refs: RefOptions

    func run() throws {
        guard let loaded = SpecFiles.load(spec, options: refs.loadOptions) else { throw ExitCode(1) }
        print(loaded.path)
        print(AgentPlan(loaded.config).rendered, terminator: "")
    }
}
