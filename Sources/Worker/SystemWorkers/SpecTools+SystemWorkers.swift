import AgentSpec

extension SpecTools {
    /// Adds the system workers and user-code tasks `agent` needs itself (``add(_:baseDirectory:)`` recurses).
    /// The same worker reached twice (two specs sharing a sub-agent) is kept once; two different workers with
    /// one task name are an error.
    mutating func addSystemWorkers(of agent: AgentConfig, baseDirectory: String) throws(WorkerConfigurationError) {
        for definition in SystemWorkerDefinition.definitions(for: agent) {
            try Self.appendOnce(
                definition, to: &systemWorkers, name: \.name,
                conflict: "two agents need different system workers with this task name")
        }
        for task in UserCodeTask.tasks(of: agent, baseDirectory: baseDirectory) {
            guard task.binding != nil else {
                let label = "\(task.name) (\(task.label))"
                if !userCodeTasks.contains(label) { userCodeTasks.append(label) }
                continue
            }
            if let existing = userCodeWorkers.first(where: { $0.name == task.name }) {
                guard existing.binding == task.binding && existing.kind == task.kind else {
                    throw WorkerConfigurationError(tool: task.name, message: "bound twice with different settings")
                }
                continue
            }
            userCodeWorkers.append(task)
        }
    }
}
