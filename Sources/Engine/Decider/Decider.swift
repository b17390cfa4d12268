import Foundation
import Workflow

extension Session {
    /// Asks for `id` to be evaluated before the transaction commits.
    func requestDecide(_ id: String) {
        if !pendingDecides.contains(id) { pendingDecides.append(id) }
    }

    /// Evaluates every execution that asked for it, including parents and children touched on the way.
    func runDecides() throws {
        var rounds = 0
        while !pendingDecides.isEmpty {
            rounds += 1
            guard rounds < 100_000 else { throw EngineError(.internal, "decide did not settle") }
            let id = pendingDecides.removeFirst()
            if let state = try load(id) { try decide(state) }
        }
    }

    /// Conductor's decide loop (conductor.md §5.1): timeouts, retries, failures, successors, synchronous system
    /// tasks, completion — repeated until nothing changes.
    func decide(_ state: ExecutionState) throws {
        guard !state.status.isTerminal else { return }
        if try checkWorkflowTimeout(state) { return }
        guard state.status == .running else { return }
        if state.tasks.isEmpty {
            guard let first = state.definition.tasks.first else {
                try endWorkflow(state, status: .completed, reason: nil)
                return
            }
            try schedule(first, suffix: "", in: state)
        }
        var rounds = 0
        let started = ContinuousClock.now
        while true {
            rounds += 1
            if rounds > services.maxDecideRounds || (rounds > 50 && ContinuousClock.now - started > .milliseconds(100)) {
                // A loop of synchronous tasks that keeps going: yield the writer to other executions and continue
                // in a later transaction (the engine queues one right after commit; the sweeper is the fallback).
                state.needsSweep = true
                state.isDirty = true
                return
            }
            if state.status.isTerminal { return }
            var changed = try checkTaskTimeouts(state)
            if state.status.isTerminal { return }
            var i = 0
            while i < state.tasks.count {
                let t = state.tasks[i]
                i += 1
                guard t.status.isTerminal, t.task.executed != true else { continue }
                changed = true
                var done = t
                done.task.executed = true
                if !t.status.isSuccessful {
                    if try canRetry(t, status: t.status) {
                        done.task.retried = true
                        state.update(done)
                        if let wt = t.task.workflowTask {
                            try schedule(wt, suffix: t.suffix, in: state, retryOf: t)
                        }
                        continue
                    }
                    state.update(done)
                    let status: WorkflowStatus =
                        t.status == .canceled ? .terminated : t.status == .timedOut ? .timedOut : .failed
                    try endWorkflow(
                        state, status: status,
                        reason: "Task \(t.id) failed with status: \(t.status.rawValue) and reason: '\(t.task.reasonForIncompletion ?? "")'",
                        failed: t)
                    return
                }
                state.update(done)
                if t.task.taskType == "TERMINATE" {
                    try endByTerminateTask(state, t)
                    return
                }
                try scheduleSuccessors(of: done, in: state)
            }
            for t in state.tasks where !t.status.isTerminal {
                guard let wt = t.task.workflowTask else { continue }
                switch TaskKind(wt.type) {
                case .doWhile: if try executeDoWhile(t, in: state) { changed = true }
                case .join: if try executeJoin(t, in: state) { changed = true }
                case .wait: if try executeWait(t, in: state) { changed = true }
                default: break
                }
            }
            if !changed { break }
        }
        if state.status == .running, state.tasks.allSatisfy({ $0.status.isTerminal && $0.task.executed == true }) {
            try endWorkflow(state, status: .completed, reason: nil)
        }
    }

    /// Schedules what follows a successfully finished task (conductor.md §5.2).
    func scheduleSuccessors(of t: TaskRecord, in state: ExecutionState) throws {
        guard let wt = t.task.workflowTask else { return }
        let suffix = t.suffix
        let inDefinition = state.index.task(wt.taskReferenceName) != nil
        guard inDefinition else { return }
        switch TaskKind(wt.type) {
        case .simpleSystem(let type) where type == "SWITCH" || type == "DECISION":
            let selected = t.task.outputData[value: "selectedCase"].stringValue ?? ""
            let branch = wt.decisionCases?[selected] ?? wt.defaultCase ?? []
            if let first = branch.first {
                try schedule(first, suffix: suffix, in: state)
                return
            }
        case .fork:
            for branch in wt.forkTasks ?? [] {
                if let first = branch.first { try schedule(first, suffix: suffix, in: state) }
            }
            if let join = state.index.next(after: wt.taskReferenceName) {
                let refs = (join.joinOn ?? wt.forkTasks?.compactMap { $0.last?.taskReferenceName } ?? [])
                try schedule(join, suffix: suffix, in: state, joinOn: refs.map { $0 + suffix })
            }
            return
        case .dynamicFork:
            let defs = (t.task.inputData[value: "forkedTaskDefs"].arrayValue ?? []).compactMap { try? $0.decode(WorkflowTask.self) }
            for d in defs { try schedule(d, suffix: suffix, in: state, dynamic: true) }
            if let join = state.index.next(after: wt.taskReferenceName) {
                try schedule(
                    join, suffix: suffix, in: state, joinOn: defs.map { $0.taskReferenceName + suffix })
            }
            return
        default: break
        }
        if let next = state.index.next(after: wt.taskReferenceName) {
            try schedule(next, suffix: suffix, in: state)
        }
    }

    // MARK: ending

    func endByTerminateTask(_ state: ExecutionState, _ t: TaskRecord) throws {
        let status = t.task.inputData[value: "terminationStatus"].stringValue.flatMap { WorkflowStatus(rawValue: $0) } ?? .completed
        let reason =
            t.task.inputData[value: "terminationReason"].stringValue
            ?? "Workflow is \(status.rawValue) by TERMINATE task: \(t.id)"
        try endWorkflow(state, status: status, reason: reason, output: t.task.outputData.isEmpty ? nil : t.task.outputData)
    }

    /// Ends an execution: cancels what is still pending, computes the output, updates the parent.
    func endWorkflow(
        _ state: ExecutionState, status: WorkflowStatus, reason: String?, failed: TaskRecord? = nil,
        output: [String: JSONValue]? = nil
    ) throws {
        guard !state.status.isTerminal else { return }
        var e = state.execution
        e.status = status
        e.endTime = now
        e.updateTime = now
        if status != .completed || reason != nil { e.reasonForIncompletion = reason }
        if let failed { e.failedReferenceTaskNames = [failed.task.referenceTaskName] }
        state.execution = e
        for t in state.tasks where !t.status.isTerminal {
            if t.task.taskType == "SUB_WORKFLOW", let child = t.task.subWorkflowId {
                try terminateChild(child, reason: "Parent workflow \(state.id) ended")
            }
            try finish(t.id, in: state, status: .canceled, reason: "Workflow \(status.rawValue.lowercased())")
        }
        let resolver = ExpressionResolver(document: document(for: state))
        if let output {
            state.execution.output = output
        } else if let params = state.definition.outputParameters, !params.isEmpty {
            state.execution.output = resolver.resolve(params)
        } else if let last = failed ?? state.tasks.last {
            state.execution.output = last.task.outputData
        }
        record(.workflowEnded, state)
        try notifyParent(of: state)
    }

    private func terminateChild(_ id: String, reason: String) throws {
        guard let child = try load(id), !child.status.isTerminal else { return }
        try endWorkflow(child, status: .terminated, reason: reason)
    }

    /// Completes the parent's SUB_WORKFLOW task from the child's final status and re-evaluates the parent.
    func notifyParent(of child: ExecutionState) throws {
        let e = child.record.execution
        guard let parentID = e.parentWorkflowId, let taskID = e.parentWorkflowTaskId, let parent = try load(parentID),
            let i = parent.position(of: taskID), !parent.tasks[i].status.isTerminal
        else { return }
        let status: TaskStatus
        switch e.status {
        case .completed: status = .completed
        case .terminated: status = .canceled
        case .timedOut: status = .timedOut
        default: status = .failed
        }
        var output = e.output
        output[value: "subWorkflowId"] = .string(e.workflowId)
        let reason = status == .completed ? nil : "Sub workflow \(e.workflowId) failure reason: \(e.reasonForIncompletion ?? "")"
        try finish(taskID, in: parent, status: status, mergeOutput: output, reason: reason)
        requestDecide(parentID)
    }

    // MARK: timeouts

    private func checkWorkflowTimeout(_ state: ExecutionState) throws -> Bool {
        let def = state.definition
        guard let seconds = def.timeoutSeconds, seconds > 0, (def.timeoutPolicy ?? "ALERT_ONLY") == "TIME_OUT_WF" else {
            return false
        }
        let since = state.record.lastRetriedTime ?? state.record.execution.createTime ?? now
        guard now.saturatingSubtracting(since) >= Int64.saturatingMillis(seconds: seconds) else { return false }
        try endWorkflow(state, status: .timedOut, reason: "Workflow timed out after \(seconds) seconds")
        return true
    }

    /// Response and task timeouts of pending worker tasks (conductor.md §5.5).
    private func checkTaskTimeouts(_ state: ExecutionState) throws -> Bool {
        var changed = false
        for t in state.tasks where t.status == .inProgress && t.queue != nil {
            guard let wt = t.task.workflowTask else { continue }
            let c = try config(for: wt)
            let lastUpdate = t.task.updateTime ?? now
            if c.timeoutSeconds > 0, let started = t.task.startTime,
                now.saturatingSubtracting(started) >= Int64.saturatingMillis(seconds: c.timeoutSeconds),
                c.timeoutPolicy != "ALERT_ONLY"
            {
                try finish(t.id, in: state, status: .timedOut, reason: "Task timed out after \(c.timeoutSeconds) seconds")
                if c.timeoutPolicy == "TIME_OUT_WF" {
                    try endWorkflow(state, status: .timedOut, reason: "Task \(t.id) timed out", failed: t)
                }
                changed = true
            } else if c.responseTimeoutSeconds > 0,
                now.saturatingSubtracting(lastUpdate)
                    >= Int64.saturatingMillis(seconds: c.responseTimeoutSeconds.saturatingAdding(t.task.callbackAfterSeconds ?? 0))
            {
                let reason =
                    c.retriesDisabledByDefinition
                    ? "The worker stopped responding: no update within the \(c.responseTimeoutSeconds) s response timeout "
                        + "(task \(t.id)). The call was not retried because the tool is not idempotent "
                        + "(its task definition allows no retries), so it may or may not have taken effect."
                    : "responseTimeout: \(c.responseTimeoutSeconds) exceeded for the taskId: \(t.id)"
                try finish(t.id, in: state, status: .timedOut, reason: reason)
                changed = true
            }
        }
        return changed
    }
}
