import AgentSpec

extension SpecTools {
    /// Adds the system workers and user-code tasks `agent` needs itself (``add(_:baseDirectory:)`` recurses).
    /// The same worker reached twice (two specs sharing a sub-agent) is kept once; two different workers with
    /// one task name are an error.
    mutating func addSystemWorkers(of agent: AgentConfig) throws(WorkerConfigurationError) {
        for definition in SystemWorkerDefinition.definitions(for: agent) {
            if let existing = systemWorkers.first(where: { $0.name == definition.name }) {
                guard existing == definition else {
                    throw WorkerConfigurationError(
                        tool: definition.name, message: "two agents need different system workers with this task name")
                }
                continue
            }
            systemWorkers.append(definition)
        }
        for task in SystemWorkerDefinition.userCodeTasks(of: agent) {
            let label = "\(task.name) (\(task.label))"
            if !userCodeTasks.contains(label) { userCodeTasks.append(label) }
        }
    }
}
