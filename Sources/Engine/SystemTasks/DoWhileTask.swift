import Workflow

extension Session {
    /// DO_WHILE start: iteration 1, schedules the first body task as `ref__1`.
    func startDoWhile(_ r: TaskRecord, in state: ExecutionState) throws {
        var loop = r
        loop.task.outputData = ["iteration": 1]
        loop.task.iteration = 1
        markInProgress(&loop, in: state)
        guard let first = r.task.workflowTask?.loopOver?.first else {
            try finish(r.id, in: state, status: .completed)
            return
        }
        try schedule(first, suffix: r.suffix + "__1", in: state)
    }

    /// DO_WHILE check: when every task of the current iteration is done, records the iteration's outputs and
    /// evaluates `loopCondition` (conductor.md §6, agentspan-compiler.md §2.5). Returns true when it changed.
    func executeDoWhile(_ r: TaskRecord, in state: ExecutionState) throws -> Bool {
        guard let wt = r.task.workflowTask else { return false }
        let n = r.task.outputData[value: "iteration"].intValue ?? 1
        let body = state.index.bodyRefs(of: wt)
        let loopSeq = r.task.seq ?? 0
        let iterationSuffix = r.suffix + "__\(n)"
        let current = state.tasks.filter {
            let s = $0.suffix
            return $0.id != r.id && ($0.task.seq ?? 0) > loopSeq && (s == iterationSuffix || s.hasPrefix(iterationSuffix + "__"))
                && (body.contains($0.baseRef) || state.index.task($0.baseRef) == nil)
        }
        guard !current.isEmpty, current.allSatisfy({ $0.status.isTerminal && $0.task.executed == true }) else {
            return false
        }
        var outputs: [String: JSONValue] = [:]
        for t in current where t.task.retried != true { outputs[t.baseRef] = .object(t.task.outputData) }
        var loop = r
        loop.task.outputData[value: "\(n)"] = .object(outputs)
        loop.task.updateTime = now
        state.update(loop)

        let resolver = ExpressionResolver(document: document(for: state, taskID: r.id))
        var scope = resolver.resolve(wt.inputParameters)
        scope[wt.taskReferenceName] = .object(loop.task.outputData)
        for (ref, output) in outputs { scope[ref] = output }
        let proceed: Bool
        switch services.scripts.result(wt.loopCondition ?? "false", input: scope, timeLimit: services.limits.conditionTimeLimit) {
        case .success(let value): proceed = value.boolValue ?? ((value.doubleValue ?? 0) > 0)
        case .failure(let error):
            try finish(r.id, in: state, status: .failedWithTerminalError, reason: error.description)
            return true
        }
        guard proceed, let first = wt.loopOver?.first else {
            loop.task.inputData = scope.filter { wt.inputParameters[$0.key] != nil }
            state.update(loop)
            try finish(r.id, in: state, status: .completed)
            return true
        }
        let limit = services.limits.maxLoopIterations
        guard n < limit else {
            try finish(
                r.id, in: state, status: .failedWithTerminalError,
                reason: "DO_WHILE '\(wt.taskReferenceName)' stopped after \(n) iterations, the limit (its loopCondition still held)")
            return true
        }
        loop.task.outputData[value: "iteration"] = .int(n + 1)
        loop.task.iteration = n + 1
        state.update(loop)
        try schedule(first, suffix: r.suffix + "__\(n + 1)", in: state)
        return true
    }
}
