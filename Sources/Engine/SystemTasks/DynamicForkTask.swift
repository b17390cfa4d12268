import Workflow

extension Session {
    /// FORK_JOIN_DYNAMIC: reads the task list (`dynamicForkTasksParam`, with per-ref inputs from
    /// `dynamicForkTasksInputParamName`) or the simple `forkTaskName` + `forkTaskInputs` form, records
    /// `forkedTasks`/`forkedTaskDefs`, and completes; the decider then schedules the forked tasks and the JOIN.
    func startDynamicFork(_ r: TaskRecord, in state: ExecutionState) throws {
        guard let wt = r.task.workflowTask else { return }
        let input = r.task.inputData
        var tasks: [WorkflowTask] = []
        if let name = input[value: "forkTaskName"].stringValue, let items = input[value: "forkTaskInputs"].arrayValue {
            if try refuseBranches(items.count, of: r, in: state) { return }
            let type = input[value: "forkTaskType"].stringValue ?? "SIMPLE"
            for (i, item) in items.enumerated() {
                var params = item.objectValue ?? ["input": item]
                params["__index"] = .int(i)
                tasks.append(WorkflowTask(name: name, taskReferenceName: "_\(name)_\(i)", type: type, inputParameters: params))
            }
        } else {
            let list = input[value: wt.dynamicForkTasksParam ?? "dynamicTasks"]
            let inputs = input[value: wt.dynamicForkTasksInputParamName ?? "dynamicTasksInputs"].objectValue ?? [:]
            guard let items = list.arrayValue else {
                try finish(
                    r.id, in: state, status: .failedWithTerminalError,
                    reason: "Input '\(wt.dynamicForkTasksParam ?? "dynamicTasks")' of a dynamic fork must be a list of tasks")
                return
            }
            if try refuseBranches(items.count, of: r, in: state) { return }
            for item in items {
                guard var task = try? item.decode(WorkflowTask.self) else {
                    try finish(r.id, in: state, status: .failedWithTerminalError, reason: "Invalid dynamic fork task: \(item.jsonText())")
                    return
                }
                if let extra = inputs[task.taskReferenceName]?.objectValue {
                    task.inputParameters.merge(extra) { _, new in new }
                }
                tasks.append(task)
            }
        }
        let refs = tasks.map(\.taskReferenceName)
        guard Set(refs).count == refs.count else {
            try finish(r.id, in: state, status: .failedWithTerminalError, reason: "Duplicate reference names in dynamic fork")
            return
        }
        guard let i = state.position(of: r.id) else { return }
        state.tasks[i].task.inputData[value: "forkedTasks"] = .array(refs.map { .string($0 + r.suffix) })
        state.tasks[i].task.inputData[value: "forkedTaskDefs"] = try JSONValue.from(tasks)
        state.update(state.tasks[i])
        try finish(r.id, in: state, status: .completed)
    }

    /// Fails a fork asking for more branches than ``EngineLimits/maxForkBranches``; true when it did.
    func refuseBranches(_ count: Int, of r: TaskRecord, in state: ExecutionState) throws -> Bool {
        let limit = services.limits.maxForkBranches
        guard count > limit else { return false }
        let ref = r.task.workflowTask?.taskReferenceName ?? r.task.referenceTaskName
        try finish(
            r.id, in: state, status: .failedWithTerminalError,
            reason: "\(r.task.workflowTask?.type ?? "FORK") '\(ref)' asks for \(count) branches; the limit is \(limit)")
        return true
    }
}
