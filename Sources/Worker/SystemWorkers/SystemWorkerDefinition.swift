import AgentSpec

/// One system worker a spec needs: its task name and what it computes.
public struct SystemWorkerDefinition: Sendable, Hashable {
    /// What the worker computes.
    public enum Role: Sendable, Hashable {
        case termination(TerminationCondition)
        case checkTransfer(CheckTransfer)
        case transferTool(TransferTool)
        case handoffCheck(HandoffCheck)
        case processSelection(ProcessSelection)
    }

    /// The task name to poll.
    public var name: String
    public var role: Role

    /// Creates a definition.
    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }

    /// A fresh executor serving this definition.
    public var executor: SystemWorker {
        switch role {
        case .termination(let condition): return condition.executor(name: name)
        case .checkTransfer(let check): return check.executor(name: name)
        case .transferTool(let tool): return tool.executor(name: name)
        case .handoffCheck(let check): return check.executor(name: name)
        case .processSelection(let selection): return selection.executor(name: name)
        }
    }

    /// The system workers `agent` needs itself (not its sub-agents'), in the order the compiler registers them.
    public static func definitions(for agent: AgentConfig) -> [SystemWorkerDefinition] {
        var definitions: [SystemWorkerDefinition] = []
        if let termination = agent.termination {
            definitions.append(.init(name: SystemWorkerNames.termination(agent.name), role: .termination(TerminationCondition(termination))))
        }
        guard !agent.agents.isEmpty else { return definitions }
        if !agent.tools.isEmpty {
            // Hybrid: any strategy is ignored; the transfer SWITCH is keyed by the raw sub-agent name.
            let tools = agent.agents.map { (SystemWorkerNames.hybridTransfer(agent.name, to: $0.name), $0.name) }
            let check = CheckTransfer(transferTools: Dictionary(tools, uniquingKeysWith: { first, _ in first }))
            definitions.append(.init(name: SystemWorkerNames.hybridCheckTransfer(agent.name), role: .checkTransfer(check)))
            for (name, target) in tools {
                definitions.append(.init(name: name, role: .transferTool(TransferTool(source: agent.name, target: target))))
            }
            return definitions
        }
        switch agent.strategy ?? "handoff" {
        case "swarm":
            let check = HandoffCheck(swarm: agent)
            definitions.append(.init(name: SystemWorkerNames.handoffCheck(agent.name), role: .handoffCheck(check)))
            let members = check.members
            for source in members {
                var tools: [String: String] = [:]
                for target in members where target != source { tools[SystemWorkerNames.swarmTransfer(source, to: target)] = target }
                definitions.append(
                    .init(name: SystemWorkerNames.swarmCheckTransfer(source), role: .checkTransfer(CheckTransfer(transferTools: tools))))
            }
            for source in members {
                for target in members where target != source {
                    let tool = TransferTool(source: source, target: target, isAllowed: check.allows(source, target))
                    definitions.append(.init(name: SystemWorkerNames.swarmTransfer(source, to: target), role: .transferTool(tool)))
                }
            }
        case "manual":
            let selection = ProcessSelection(agents: agent.agents.map(\.name))
            definitions.append(.init(name: SystemWorkerNames.processSelection(agent.name), role: .processSelection(selection)))
        default:
            break
        }
        return definitions
    }
}
