import AgentSpec

extension SpecTools {
    /// Adds the system workers `agent` and its sub-agents need (not those of `external` agents). The same worker
    /// reached twice (two specs sharing a sub-agent) is kept once; two different workers with one task name are an
    /// error.
    mutating func addSystemWorkers(of agent: AgentConfig) throws(WorkerConfigurationError) {
        guard agent.external != true else { return }
        for definition in SystemWorkerDefinition.definitions(for: agent) {
            try Self.appendOnce(
                definition, to: &systemWorkers, name: \.name,
                conflict: "two agents need different system workers with this task name")
        }
        for sub in agent.agents { try addSystemWorkers(of: sub) }
    }

    /// Adds a user-code task: served when bound with `run:`, else listed for the start-up warning.
    mutating func addUserCode(_ task: UserCodeTask) throws(WorkerConfigurationError) {
        guard task.binding != nil else {
            let label = "\(task.name) (\(task.label))"
            if !userCodeTasks.contains(label) { userCodeTasks.append(label) }
            return
        }
        if let existing = userCodeWorkers.first(where: { $0.name == task.name }) {
            guard existing.binding == task.binding && existing.kind == task.kind else {
                throw WorkerConfigurationError(tool: task.name, message: "bound twice with different settings")
            }
            return
        }
        userCodeWorkers.append(task)
    }
}
