import AgentSpec
import ArgumentParser
import Foundation

/// `agentspanc plan SPEC`: what a reviewer needs before approving a spec change — agents, strategy, tools, and
/// exactly which commands and hosts each tool may reach.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Outline a spec: agents, strategy, tools, and the commands and hosts each tool may reach.",
        discussion: """
            Each tool shows its policy (effect, approval, retries). With --diff OLD NEW, prints for review only what \
            changed between two versions of a spec: + what NEW lets the agent run or reach that OLD could not \
            (commands, plugins, hosts, models, tools), - what it no longer can, ~ each tool whose command, rules \
            or policy changed.
            """)

    @Argument(help: "The spec file (with --diff: the new version).")
    var spec: String

    @Option(name: .long, help: ArgumentHelp("Compare with this older version of the spec.", valueName: "OLD"))
    var diff: String?

    @OptionGroup var refs: RefOptions

    func run() throws {
        guard let loaded = SpecFiles.load(spec, options: refs.loadOptions) else { throw ExitCode(1) }
        if let diff {
            guard let old = SpecFiles.load(diff, options: refs.loadOptions) else { throw ExitCode(1) }
            let changes = AgentPlan.diff(from: AgentPlan(old.config), to: AgentPlan(loaded.config))
            print("\(old.path) → \(loaded.path)")
            print(changes.isEmpty ? "no change in what the agent may run or reach" : changes.joined(separator: "\n"))
            return
        }
        print(loaded.path)
        print(AgentPlan(loaded.config).rendered, terminator: "")
    }
}
