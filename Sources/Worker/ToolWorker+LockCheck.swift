import AgentSpec
import ConductorClient
import Logging
import Workflow

extension ToolWorker {
    /// A terminal failure when the task's tool differs from the tool lock its execution's workflow was compiled
    /// with (and `--allow-drift` was not given); nil when the tool may run. A workflow without a lock, or one the
    /// server cannot be asked for now, leaves the call unverified.
    func lockRefusal(_ task: ConductorTask, executor: any ToolExecutor, logger: Logger) async -> ToolOutcome? {
        guard configuration.checkToolLocks, let tool = executor.lockedDefinition else { return nil }
        let id = task.workflowInstanceId
        var entry = executionLocks.entry(id)
        if entry == nil {
            do {
                let run = try await client.workflow(id: id, includeTasks: false)
                let found = ExecutionLockCache.Entry(
                    workflow: run.workflowName, locks: run.workflowDefinition.flatMap(ToolLockCheck.lock(of:)))
                executionLocks.store(id, found)
                entry = found
            } catch {
                logger.warning(
                    "could not read the tool lock of the task's workflow; running the tool unverified",
                    metadata: ["error": .string("\(error)")])
                return nil
            }
        }
        guard let entry, let want = entry.locks?[tool.name],
              let drift = ToolLockCheck.compare([tool], expected: [tool.name: (entry.workflow, want)]).drifts.first
        else { return nil }
        let metadata: Logger.Metadata = [
            "workflow": .string(drift.workflow), "changed": .array(drift.changes.map { .string($0) }),
        ]
        if configuration.allowDrift {
            if executionLocks.firstWarning(id, tool: tool.name) {
                logger.warning("running despite drift (--allow-drift): \(drift.description)", metadata: metadata)
            }
            return nil
        }
        logger.error("refusing to run a tool that differs from its workflow's tool lock", metadata: metadata)
        return .terminal(
            "\(drift.description); the worker refuses to run it: deploy the spec the worker serves, restart the worker "
                + "with the reviewed spec, or start it with --allow-drift")
    }
}
