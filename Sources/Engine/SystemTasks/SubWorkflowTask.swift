import Foundation
import Workflow

extension Session {
    /// SUB_WORKFLOW: starts the child (by name and version, or the inline `workflowDefinition`) in the same
    /// transaction; the task stays IN_PROGRESS until the child ends (`notifyParent`).
    func startSubWorkflow(_ r: TaskRecord, in state: ExecutionState) throws {
        guard let wt = r.task.workflowTask, let params = wt.subWorkflowParam else {
            try finish(r.id, in: state, status: .failedWithTerminalError, reason: "SUB_WORKFLOW without subWorkflowParam")
            return
        }
        let depth = (state.record.depth ?? 0) + 1
        guard depth <= services.limits.maxSubWorkflowDepth else {
            try finish(
                r.id, in: state, status: .failedWithTerminalError,
                reason: "SUB_WORKFLOW '\(wt.taskReferenceName)' would nest \(depth) levels deep; the limit is \(services.limits.maxSubWorkflowDepth)")
            return
        }
        let def: WorkflowDef
        if let inline = params.workflowDefinition {
            def = inline
        } else if let name = params.name, let found = try workflowDef(name: name, version: params.version) {
            def = found
        } else {
            try finish(
                r.id, in: state, status: .failedWithTerminalError,
                reason: "No such workflow definition: \(params.name ?? "<unnamed>") version \(params.version.map(String.init) ?? "latest")")
            return
        }
        let child = try createExecution(
            def: def, input: r.task.inputData, correlationId: state.record.execution.correlationId,
            priority: state.record.execution.priority, taskToDomain: params.taskToDomain ?? state.record.taskToDomain,
            parent: (state, r.id))
        var t = r
        t.task.subWorkflowId = child.id
        t.task.outputData[value: "subWorkflowId"] = .string(child.id)
        markInProgress(&t, in: state)
    }

    /// Creates a RUNNING execution (not yet decided) and records its start.
    func createExecution(
        def: WorkflowDef, input: [String: JSONValue], correlationId: String?, priority: Int?,
        taskToDomain: [String: String]?, parent: (state: ExecutionState, taskID: String)?
    ) throws -> ExecutionState {
        var full = input
        for (k, v) in def.inputTemplate ?? [:] where full[k] == nil { full[k] = v }
        var e = WorkflowExecution(
            workflowId: UUID().uuidString.lowercased(), workflowName: def.name, workflowVersion: def.version ?? 1,
            status: .running, input: full, output: [:], variables: def.variables ?? [:])
        e.correlationId = correlationId
        e.priority = priority ?? 0
        e.createTime = now
        e.startTime = now
        e.updateTime = now
        e.workflowDefinition = def
        e.taskToDomain = taskToDomain
        e.parentWorkflowId = parent?.state.id
        e.parentWorkflowTaskId = parent?.taskID
        let record = ExecutionRecord(
            execution: e, rootWorkflowID: parent?.state.record.rootWorkflowID ?? e.workflowId, taskToDomain: taskToDomain,
            lastRetriedTime: nil, depth: parent.map { ($0.state.record.depth ?? 0) + 1 })
        let state = ExecutionState(record: record, tasks: [])
        state.isDirty = true
        register(state)
        self.record(.workflowStarted, state)
        requestDecide(state.id)
        return state
    }
}
