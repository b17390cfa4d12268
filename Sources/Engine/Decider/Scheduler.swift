import Foundation
import Workflow

extension Session {
    /// The expression context of an execution: `workflow` plus every task under its suffix-free reference name
    /// (the latest attempt or iteration wins).
    func document(for state: ExecutionState, taskID: String? = nil) -> [String: JSONValue] {
        let e = state.record.execution
        var doc: [String: JSONValue] = [:]
        for t in state.tasks { doc[t.baseRef] = Self.taskValue(t.task) }
        doc["workflow"] = .object([
            "input": .object(e.input), "output": .object(e.output), "status": .string(e.status.rawValue),
            "workflowId": .string(e.workflowId), "parentWorkflowId": e.parentWorkflowId.map(JSONValue.string) ?? .null,
            "parentWorkflowTaskId": e.parentWorkflowTaskId.map(JSONValue.string) ?? .null,
            "workflowType": .string(e.workflowName), "version": e.workflowVersion.map(JSONValue.int) ?? .null,
            "correlationId": e.correlationId.map(JSONValue.string) ?? .null,
            "reasonForIncompletion": e.reasonForIncompletion.map(JSONValue.string) ?? .null, "schemaVersion": 2,
            "variables": .object(e.variables),
        ])
        if let taskID { doc["CPEWF_TASK_ID"] = .string(taskID) }
        return doc
    }

    static func taskValue(_ t: ConductorTask) -> JSONValue {
        var o: [String: JSONValue] = [
            "input": .object(t.inputData), "output": .object(t.outputData), "taskType": .string(t.taskType),
            "status": .string(t.status.rawValue), "referenceTaskName": .string(t.referenceTaskName),
            "retryCount": .int(t.retryCount ?? 0), "pollCount": .int(t.pollCount ?? 0),
            "workflowInstanceId": .string(t.workflowInstanceId), "taskId": .string(t.taskId),
            "iteration": .int(t.iteration ?? 0), "callbackAfterSeconds": .int(t.callbackAfterSeconds ?? 0),
        ]
        if let v = t.taskDefName { o["taskDefName"] = .string(v) }
        if let v = t.scheduledTime { o["scheduledTime"] = .int(Int(v)) }
        if let v = t.startTime { o["startTime"] = .int(Int(v)) }
        if let v = t.endTime { o["endTime"] = .int(Int(v)) }
        if let v = t.reasonForIncompletion { o["reasonForIncompletion"] = .string(v) }
        if let v = t.workerId { o["workerId"] = .string(v) }
        if let v = t.correlationId { o["correlationId"] = .string(v) }
        return .object(o)
    }

    /// Resolves `wt`'s input parameters (with the TaskDef input template) for a task about to be scheduled.
    func resolveInput(_ wt: WorkflowTask, state: ExecutionState, taskID: String) throws -> [String: JSONValue] {
        var params = wt.inputParameters
        let template = try (wt.taskDefinition ?? taskDef(named: wt.name))?.inputTemplate ?? [:]
        for (k, v) in template where params[k] == nil { params[k] = v }
        let resolver = ExpressionResolver(document: document(for: state, taskID: taskID))
        var input = try resolver.resolveChecked(params)
        for (k, v) in template where input[k] == .null { input[k] = v }
        return input
    }

    /// The innermost DO_WHILE iteration of a loop suffix (`"__2__3"` → 3), 0 outside loops.
    static func iteration(ofSuffix suffix: String) -> Int {
        guard let range = suffix.range(of: "__", options: .backwards), let n = Int(suffix[range.upperBound...]) else { return 0 }
        return n
    }

    /// Creates the task for `wt` with reference name `ref + suffix` (unless a live task with that name exists)
    /// and starts it according to its type. `suffix` carries one `__N` per enclosing loop iteration; `retryOf`
    /// makes it the next attempt of a failed task.
    func schedule(
        _ wt: WorkflowTask, suffix: String, in state: ExecutionState, joinOn: [String]? = nil,
        retryOf previous: TaskRecord? = nil, dynamic: Bool = false, immediate: Bool = false
    ) throws {
        let ref = wt.taskReferenceName + suffix
        if previous == nil, state.tasks.contains(where: { $0.task.referenceTaskName == ref && $0.task.retried != true }) {
            return
        }
        let kind = TaskKind(wt.type)
        let e = state.record.execution
        var task = ConductorTask(
            taskId: UUID().uuidString.lowercased(), taskType: wt.type, referenceTaskName: ref, status: .scheduled,
            workflowInstanceId: state.id)
        task.taskDefName = wt.name
        task.workflowType = e.workflowName
        task.correlationId = e.correlationId
        task.workflowPriority = e.priority ?? 0
        task.retryCount = (previous?.task.retryCount ?? -1) + 1
        task.retriedTaskId = previous?.id
        task.seq = state.nextSeq
        task.pollCount = 0
        task.scheduledTime = now
        task.updateTime = now
        task.iteration = Self.iteration(ofSuffix: suffix)
        task.workflowTask = wt
        var inputProblem: String?
        if dynamic || state.index.task(wt.taskReferenceName) == nil {
            task.inputData = wt.inputParameters
        } else {
            do {
                task.inputData = try resolveInput(wt, state: state, taskID: task.taskId)
            } catch let error as ExpressionDepthError {
                inputProblem = "The \(error) in task '\(wt.taskReferenceName)'"
            }
        }
        let config = try config(for: wt)
        var delay = wt.startDelay ?? 0
        if let previous, !immediate {
            delay = config.delay(afterAttempt: previous.task.retryCount ?? 0)
            task.callbackAfterSeconds = delay
        }
        var record = TaskRecord(task: task, wakeAt: nil, queue: nil, isEngineAsync: false)
        switch kind {
        case .worker:
            record.task.taskType = wt.name
            record.task.responseTimeoutSeconds = config.responseTimeoutSeconds
            let domain = domain(for: wt.name, state: state)
            record.task.domain = domain
            record.queue = domain.map { "\($0):\(wt.name)" } ?? wt.name
            record.wakeAt = Int64.saturatingDeadline(now, plusSeconds: delay)
        case .llm, .http:
            record.isEngineAsync = true
            record.wakeAt = Int64.saturatingDeadline(now, plusSeconds: delay)
            if kind == .llm {
                let history = chatHistory(for: record, in: state)
                record.task.inputData["messages"] = .array(history.messages)
                if let condensed = history.condensed { record.task.inputData["contextCondensed"] = condensed }
            }
        case .fork, .dynamicFork:
            record.task.taskType = "FORK"
        default:
            break
        }
        inputProblem = inputProblem ?? payloadProblem(record.task.inputData, "input")
        if inputProblem != nil { record.task.inputData = [:] }
        state.append(record)
        self.record(.taskScheduled, state, task: record.id)
        if let inputProblem {
            try finish(record.id, in: state, status: .failedWithTerminalError, output: ["error": .string(inputProblem)], reason: inputProblem)
            return
        }
        try start(record, kind: kind, in: state, joinOn: joinOn)
    }

    /// The domain the execution's taskToDomain routes a worker task to (its queue is then `domain:name`).
    func domain(for name: String, state: ExecutionState) -> String? {
        guard let map = state.record.taskToDomain, let value = map[name] ?? map["*"] else { return nil }
        let domain = value.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return domain.isEmpty || domain == "NO_DOMAIN" ? nil : domain
    }

    /// Runs what a newly created task does at once (synchronous system tasks complete here).
    private func start(_ record: TaskRecord, kind: TaskKind, in state: ExecutionState, joinOn: [String]?) throws {
        switch kind {
        case .simpleSystem(let type):
            switch type {
            case "INLINE": try startInline(record, in: state)
            case "SET_VARIABLE": try startSetVariable(record, in: state)
            case "SWITCH", "DECISION": try startSwitch(record, in: state)
            case "TERMINATE": try startTerminate(record, in: state)
            default: try finish(record.id, in: state, status: .completed)
            }
        case .doWhile: try startDoWhile(record, in: state)
        case .join:
            var r = record
            let refs = joinOn ?? (r.task.workflowTask?.joinOn ?? []).map { $0 + r.suffix }
            r.task.inputData["joinOn"] = .array(refs.map(JSONValue.string))
            markInProgress(&r, in: state)
        case .fork:
            if try refuseBranches(record.task.workflowTask?.forkTasks?.count ?? 0, of: record, in: state) { return }
            try finish(record.id, in: state, status: .completed)
        case .dynamicFork: try startDynamicFork(record, in: state)
        case .subWorkflow: try startSubWorkflow(record, in: state)
        case .human:
            var r = record
            markInProgress(&r, in: state)
        case .wait: try startWait(record, in: state)
        case .pullMessages: try startPullMessages(record, in: state)
        case .llm, .http, .worker: break
        }
    }

    /// Moves a task to IN_PROGRESS and records it.
    func markInProgress(_ record: inout TaskRecord, in state: ExecutionState) {
        record.task.status = .inProgress
        if record.task.startTime == nil { record.task.startTime = now }
        record.task.updateTime = now
        state.update(record)
        self.record(.taskStarted, state, task: record.id)
    }

    /// Ends a task attempt. An optional task whose failure cannot be retried becomes COMPLETED_WITH_ERRORS.
    func finish(
        _ taskID: String, in state: ExecutionState, status: TaskStatus, output: [String: JSONValue]? = nil,
        mergeOutput: [String: JSONValue]? = nil, reason: String? = nil
    ) throws {
        guard let i = state.position(of: taskID), !state.tasks[i].status.isTerminal else { return }
        var r = state.tasks[i]
        var status = status
        var reason = reason
        if let output { r.task.outputData = output }
        if let mergeOutput { r.task.outputData.merge(mergeOutput) { _, new in new } }
        if let problem = payloadProblem(r.task.outputData, "output") {
            // Nothing of an oversized output is kept: storing and serving it is what the limit prevents.
            status = .failedWithTerminalError
            reason = problem
            r.task.outputData = ["error": .string(problem)]
        }
        var final = status
        if !status.isSuccessful, status != .canceled, r.task.workflowTask?.optional == true, try !canRetry(r, status: status) {
            final = .completedWithErrors
        }
        r.task.status = final
        if let reason { r.task.reasonForIncompletion = reason }
        if r.task.startTime == nil { r.task.startTime = now }
        r.task.endTime = now
        r.task.updateTime = now
        r.wakeAt = nil
        state.update(r)
        record(.taskEnded, state, task: taskID)
    }

    func canRetry(_ r: TaskRecord, status: TaskStatus) throws -> Bool {
        guard status.isRetriable, !status.isSuccessful, let wt = r.task.workflowTask else { return false }
        switch TaskKind(wt.type) {
        case .join, .fork, .dynamicFork, .doWhile: return false
        case .simpleSystem(let t) where t == "SWITCH" || t == "DECISION": return false
        default: break
        }
        return (r.task.retryCount ?? 0) < (try config(for: wt).retryCount)
    }
}
