import Engine
import Workflow

/// Finds an execution's failed tasks and where in the spec each comes from (the `metadata.sourceMap` the compiler
/// stamped into the execution's definition).
struct FailureLocator: Sendable {
    let engine: WorkflowEngine

    /// A failure and the map it was located with.
    struct Located: Sendable, Hashable {
        /// The source map of the execution the entry belongs to.
        var sourceMap: WorkflowSourceMap?
        /// Where the failure comes from.
        var location: SpecLocation?
    }

    /// Statuses of a task that failed (a tool call whose failure the model saw ends `COMPLETED_WITH_ERRORS`).
    static let failedStatuses: Set<TaskStatus> = [.failed, .failedWithTerminalError, .timedOut, .completedWithErrors]

    /// The source map of `executionID`'s definition.
    func sourceMap(of executionID: String) async -> WorkflowSourceMap? {
        guard let run = try? await engine.workflow(id: executionID, includeTasks: false) else { return nil }
        return WorkflowSourceMap(metadata: run.workflowDefinition?.metadata)
    }

    /// The TERMINATE task that ended `run` (a guardrail that raises, a rejected approval), located; nil when
    /// something else ended it (a failed task has its own located error event).
    func terminator(of run: WorkflowExecution) async -> Located? {
        guard let full = try? await engine.workflow(id: run.workflowId, includeTasks: true),
            let task = full.tasks.last(where: { ($0.workflowTask?.type ?? $0.taskType) == "TERMINATE" && $0.status == .completed })
        else { return nil }
        let map = WorkflowSourceMap(metadata: full.workflowDefinition?.metadata)
        return Located(sourceMap: map, location: map?.location(referenceName: task.referenceTaskName, toolName: nil))
    }

    /// Every failed task of `run` and its sub-workflows, the last attempt of each, in task order; and the TERMINATE
    /// task of an execution that one ended with a failure.
    func failures(of run: WorkflowExecution) async -> [ExecutionFailure] {
        var out: [ExecutionFailure] = []
        var visited = Set<String>()
        func collect(_ run: WorkflowExecution) async {
            guard visited.insert(run.workflowId).inserted else { return }
            let map = WorkflowSourceMap(metadata: run.workflowDefinition?.metadata)
            var byRef: [String: Int] = [:]
            for task in run.tasks {
                let type = task.workflowTask?.type ?? task.taskType
                if let child = task.subWorkflowId, type == "SUB_WORKFLOW" {
                    if let sub = try? await engine.workflow(id: child, includeTasks: true) { await collect(sub) }
                    continue
                }
                let terminated = type == "TERMINATE" && task.status == .completed
                    && ["FAILED", "TERMINATED"].contains(task.inputData["terminationStatus"]?.stringValue ?? "")
                let isTool = AgentEventDeriver.isTool(task, type: type)
                // COMPLETED_WITH_ERRORS is a failure of the tool call itself; a JOIN over it only passes it on.
                let failed = task.status == .completedWithErrors ? isTool : Self.failedStatuses.contains(task.status)
                guard failed || terminated else { continue }
                let tool = isTool ? AgentEventDeriver.toolName(of: task) : nil
                let message = terminated
                    ? task.inputData["terminationReason"]?.stringValue ?? run.reasonForIncompletion ?? "terminated"
                    : task.status == .timedOut ? "Task timed out" : task.reasonForIncompletion ?? "Task \(task.status.rawValue.lowercased())"
                let failure = ExecutionFailure(
                    executionId: run.workflowId, taskRefName: task.referenceTaskName, toolName: tool, message: message,
                    location: map?.location(referenceName: task.referenceTaskName, toolName: tool ?? task.taskDefName))
                // Retries keep the reference name (a loop's iterations do not): the last attempt stands for them.
                let key = task.referenceTaskName
                if let index = byRef[key] {
                    out[index] = failure
                } else {
                    byRef[key] = out.count
                    out.append(failure)
                }
            }
        }
        await collect(run)
        return out
    }
}
